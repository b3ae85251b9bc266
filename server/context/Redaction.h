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
//
// A rewrite of the user's code (a code action) must not write the placeholder back
// into the file: the redaction remembers what each placeholder stood for, and the
// model's reply gets the originals back, in order, before it becomes an edit.
//
//   RedactedSecrets secrets;
//   redactSecrets(region, &secrets);          // region now holds placeholders
//   std::string reply = ask(region);
//   if (!restoreSecrets(reply, secrets)) refuse("the rewrite changed a redacted secret");

#include <string>
#include <string_view>
#include <vector>

namespace flint {

inline constexpr std::string_view kRedacted = "REDACTED";

// Redacts `text` in place; returns how many secrets were replaced.
size_t redactSecrets(std::string& text);
// Redacts text cut in two at the cursor (prefix | suffix) as one text, so a secret
// spanning the cut is found; each part gets its share of the replacement.
size_t redactSecrets(std::string& before, std::string& after);

// True when a secret found in `text` overlaps [from, to): a part of a text that
// cannot be redacted (it is edited in place) holds one.
bool holdsSecret(std::string_view text, size_t from, size_t to);

// What each placeholder in a redacted text stands for, in text order (a placeholder
// that was in the text before redaction stands for itself).
struct RedactedSecrets {
    std::vector<std::string> originals;
    size_t redacted = 0;  // how many of them are secrets
};
// Redacts `text` in place and records the originals; returns how many were replaced.
size_t redactSecrets(std::string& text, RedactedSecrets* secrets);
// Puts the originals back into a reply written from the redacted text: the i-th
// placeholder becomes the i-th original. False (and `reply` unchanged) when the reply
// does not hold exactly as many placeholders as the redacted text did while some were
// secrets: which secret goes where is then unknown.
bool restoreSecrets(std::string& reply, const RedactedSecrets& secrets);

} // namespace flint
