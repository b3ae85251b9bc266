#pragma once
// Secrets in the text that is about to leave the machine, replaced by a placeholder
// that keeps the code's shape (quotes, assignment, the lines of a key block):
//   - API-key-shaped tokens: OpenAI/Anthropic `sk-…`, GitHub `ghp_…`/`github_pat_…`,
//     AWS `AKIA…`/`ASIA…`, Slack `xox?-…`, Google `AIza…`, GitLab `glpat-…`, Stripe
//     `sk_live_…`, Hugging Face `hf_…`, npm `npm_…`, JWTs, `Bearer <token>`;
//   - PEM private key blocks (the lines between BEGIN and END);
//   - passwords in URLs (`scheme://user:password@host`);
//   - values assigned to names made of words such as password, secret, token,
//     api key or credentials (`=`, `:`, `:=`, `=>`; quoted or bare), when the value
//     looks like a secret: a password with no spaces and mixed character classes,
//     a token/key/secret of 16+ characters with digits and high entropy. Plain
//     words, identifiers, URLs and expressions (`token = tokens[i]`) are left alone.
// Pure and allocation-light: one pass over the text.
//
//   std::string code = "client = OpenAI(api_key=\"sk-proj-abc…\")";
//   size_t n = redactSecrets(code);   // 1; code == "client = OpenAI(api_key=\"REDACTED\")"
//   redactSecrets(prefix, suffix);    // a secret cut by the cursor is redacted in both

#include <string>
#include <string_view>

namespace flint {

inline constexpr std::string_view kRedacted = "REDACTED";

// Redacts `text` in place; returns how many secrets were replaced.
size_t redactSecrets(std::string& text);
// Redacts text cut in two at the cursor (prefix | suffix) as one text, so a secret
// spanning the cut is found; each part gets its share of the replacement.
size_t redactSecrets(std::string& before, std::string& after);

} // namespace flint
