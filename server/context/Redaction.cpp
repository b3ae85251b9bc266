#include "context/Redaction.h"

#include <array>
#include <cmath>
#include <optional>
#include <vector>

namespace flint {

namespace {

struct Span {
    size_t start;
    size_t end;
};

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
bool isIdentifierChar(char c) { return isAlnum(c) || c == '_'; }
bool isWordChar(char c) { return isIdentifierChar(c) || c == '-'; }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool isBase64(char c) { return isAlnum(c) || c == '+' || c == '/' || c == '='; }

double entropy(std::string_view s) {
    std::array<int, 256> counts{};
    for (const char c : s) ++counts[static_cast<unsigned char>(c)];
    double bits = 0;
    for (const int n : counts)
        if (n) {
            const double p = static_cast<double>(n) / static_cast<double>(s.size());
            bits -= p * std::log2(p);
        }
    return bits;
}

bool hasDigit(std::string_view s) {
    for (const char c : s)
        if (isDigit(c)) return true;
    return false;
}

// ---------------------------------------------------------------------------------------
// Tokens recognisable by their prefix.

enum class Charset { Alnum, AlnumUnderscore, Word, UpperDigit };

struct TokenShape {
    std::string_view prefix;
    Charset charset;
    size_t minLength;  // of the part after the prefix
    size_t exactLength = 0;
};

constexpr std::array<TokenShape, 23> kTokenShapes = {{
    {"sk-", Charset::Word, 20},  // OpenAI (sk-proj-…), Anthropic (sk-ant-…), DeepSeek, …
    {"sk_live_", Charset::Alnum, 16}, {"sk_test_", Charset::Alnum, 16},
    {"rk_live_", Charset::Alnum, 16}, {"rk_test_", Charset::Alnum, 16},
    {"ghp_", Charset::Alnum, 30}, {"gho_", Charset::Alnum, 30}, {"ghu_", Charset::Alnum, 30},
    {"ghs_", Charset::Alnum, 30}, {"ghr_", Charset::Alnum, 30},
    {"github_pat_", Charset::AlnumUnderscore, 30},
    {"glpat-", Charset::Word, 20},
    {"xoxa-", Charset::Word, 10}, {"xoxb-", Charset::Word, 10}, {"xoxp-", Charset::Word, 10},
    {"xoxr-", Charset::Word, 10}, {"xoxs-", Charset::Word, 10},
    {"AKIA", Charset::UpperDigit, 16, 16}, {"ASIA", Charset::UpperDigit, 16, 16},
    {"AIza", Charset::Word, 35},
    {"hf_", Charset::Alnum, 30},
    {"npm_", Charset::Alnum, 36},
    {"gsk_", Charset::Alnum, 30},  // Groq
}};

bool inCharset(char c, Charset charset) {
    switch (charset) {
    case Charset::Alnum: return isAlnum(c);
    case Charset::AlnumUnderscore: return isIdentifierChar(c);
    case Charset::Word: return isWordChar(c);
    case Charset::UpperDigit: return (c >= 'A' && c <= 'Z') || isDigit(c);
    }
    return false;
}

// The end of a prefixed token starting at `at`, or 0.
size_t prefixedToken(std::string_view text, size_t at) {
    // Most words start with a letter no shape starts with.
    static const std::array<bool, 256> firstLetters = [] {
        std::array<bool, 256> table{};
        for (const TokenShape& shape : kTokenShapes) table[static_cast<unsigned char>(shape.prefix[0])] = true;
        return table;
    }();
    if (!firstLetters[static_cast<unsigned char>(text[at])]) return 0;
    for (const TokenShape& shape : kTokenShapes) {
        if (text[at] != shape.prefix[0] || text.compare(at, shape.prefix.size(), shape.prefix) != 0) continue;
        size_t end = at + shape.prefix.size();
        while (end < text.size() && inCharset(text[end], shape.charset)) ++end;
        const size_t length = end - at - shape.prefix.size();
        if (shape.exactLength ? length != shape.exactLength || (end < text.size() && isAlnum(text[end]))
                              : length < shape.minLength)
            continue;
        // Real keys carry digits; long kebab-case names (sk-some-css-class) do not.
        if (shape.exactLength == 0 && !hasDigit(text.substr(at + shape.prefix.size(), length))) continue;
        return end;
    }
    return 0;
}

// header.payload.signature, base64url, the header starting `eyJ` ({"…).
size_t jsonWebToken(std::string_view text, size_t at) {
    if (text[at] != 'e' || text.compare(at, 3, "eyJ") != 0) return 0;
    size_t end = at;
    for (int part = 0; part < 3; ++part) {
        const size_t start = end;
        while (end < text.size() && isWordChar(text[end])) ++end;
        if (end - start < 10) return 0;
        if (part < 2) {
            if (end >= text.size() || text[end] != '.') return 0;
            ++end;
        }
    }
    return end;
}

// ---------------------------------------------------------------------------------------
// PEM private key blocks.

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";

bool isPrivateKeyMarker(std::string_view text, size_t at, std::string_view marker, size_t& lineEnd) {
    if (text.compare(at, marker.size(), marker) != 0) return false;
    lineEnd = text.find('\n', at);
    if (lineEnd == std::string_view::npos) lineEnd = text.size();
    const std::string_view line = text.substr(at, lineEnd - at);
    return line.find("PRIVATE KEY") != std::string_view::npos && line.find("-----", marker.size()) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Assignments to names that say "secret".

enum class NameKind { None, Password, Token };

// Splits an identifier into lower-case words: apiKey → api, key; AWS_SECRET_KEY → aws, secret, key.
template <class F>
void forEachWord(std::string_view name, F&& f) {
    std::string word;
    auto flush = [&] {
        if (!word.empty()) f(std::string_view(word));
        word.clear();
    };
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!isAlnum(c)) {
            flush();
            continue;
        }
        const bool upper = c >= 'A' && c <= 'Z';
        if (upper && i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z') flush();
        word += upper ? static_cast<char>(c - 'A' + 'a') : c;
    }
    flush();
}

// Whether `s` has, ignoring case, one of the words a secret's name is made of.
bool mayNameSecret(std::string_view s) {
    static constexpr std::string_view kWords[] = {"pass", "pwd", "secret", "token", "key", "credential"};
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = static_cast<char>(s[i] | 0x20);
        if (c != 'p' && c != 's' && c != 't' && c != 'k' && c != 'c') continue;
        for (std::string_view word : kWords) {
            if (word[0] != c || i + word.size() > s.size()) continue;
            size_t k = 1;
            while (k < word.size() && (s[i + k] | 0x20) == word[k]) ++k;
            if (k == word.size()) return true;
        }
    }
    return false;
}

NameKind classifyName(std::string_view name) {
    // Most names have none of the telling words: say so without splitting them.
    if (!mayNameSecret(name)) return NameKind::None;
    NameKind kind = NameKind::None;
    bool keyQualifier = false;  // api, access, private, secret, … before "key"
    forEachWord(name, [&](std::string_view w) {
        if (w == "password" || w == "passwd" || w == "pwd" || w == "passphrase") {
            kind = NameKind::Password;
        } else if (kind == NameKind::None &&
                   (w == "secret" || w == "token" || w == "apikey" || w == "credential" || w == "credentials" ||
                    (w == "key" && keyQualifier))) {
            kind = NameKind::Token;
        }
        keyQualifier = w == "api" || w == "access" || w == "private" || w == "secret" || w == "signing" ||
                       w == "encryption" || w == "master" || w == "client" || w == "auth" || w == "session";
    });
    return kind;
}

bool looksLikePassword(std::string_view v) {
    if (v.size() < 6) return false;
    bool lower = false, upper = false, digit = false, symbol = false;
    for (size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (isSpace(c)) return false;
        if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= 'A' && c <= 'Z') upper = upper || i > 0;  // a capital first letter is just a word
        else if (isDigit(c)) digit = true;
        else if (c != '_' && c != '-') symbol = true;
    }
    return lower + upper + digit + symbol >= 2;
}

bool looksLikeToken(std::string_view v) {
    if (v.size() < 16) return false;
    for (const char c : v)
        if (isSpace(c)) return false;
    return hasDigit(v) && entropy(v) >= 3.0;
}

// Values that name something rather than hold it: $VAR, ${VAR}, %VAR%, {{ var }},
// URLs (their passwords are handled on their own), paths, member accesses.
bool isReference(std::string_view v) {
    if (v.empty()) return true;
    if (v.front() == '$' || v.front() == '%' || v.front() == '{' || v.front() == '<') return true;
    if (v.find("://") != std::string_view::npos) return true;
    if (v.front() == '/' || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/")) return true;
    bool dotted = false, identifierStart = true;
    for (const char c : v) {
        if (c == '.') {
            if (identifierStart) return false;
            dotted = true;
            identifierStart = true;
        } else if (identifierStart ? (isAlpha(c) || c == '_') : isIdentifierChar(c)) {
            identifierStart = false;
        } else {
            return false;
        }
    }
    return dotted && !identifierStart;  // self.password, config.api.key
}

bool isValueDelimiter(char c) {
    return isSpace(c) || c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '"' || c == '\'' || c == '`' || c == '#';
}

// At `at` an identifier-like name starts; if it is assigned a secret, returns the
// value's span. `next` is set to the end of the name (scanning goes on there, so a
// prefixed token inside a value that is not itself a secret is still found).
std::optional<Span> secretAssignment(std::string_view text, size_t at, size_t& next) {
    size_t end = at;
    while (end < text.size() && (isIdentifierChar(text[end]) || text[end] == '-' || text[end] == '.')) ++end;
    while (end > at && (text[end - 1] == '-' || text[end - 1] == '.')) --end;
    next = end;
    const NameKind kind = classifyName(text.substr(at, end - at));
    if (kind == NameKind::None) return std::nullopt;

    size_t i = end;
    // A quoted key ("apiKey": …) closes its quote first.
    if (i < text.size() && at > 0 && (text[i] == '"' || text[i] == '\'') && text[at - 1] == text[i]) ++i;
    auto skipBlanks = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    };
    skipBlanks();
    const size_t operatorStart = i;
    if (text.compare(i, 2, ":=") == 0 || text.compare(i, 2, "=>") == 0 || text.compare(i, 2, "==") == 0 ||
        text.compare(i, 2, "!=") == 0)
        i += 2;
    else if (i < text.size() && (text[i] == '=' || text[i] == ':'))
        ++i;
    const bool hasOperator = i > operatorStart;
    skipBlanks();
    // String prefixes: b"…", r'…', f"…", u8"…".
    size_t quote = i;
    while (quote < text.size() && quote - i < 2 && isAlpha(text[quote])) ++quote;
    if (quote < text.size() && (text[quote] == '"' || text[quote] == '\'' || text[quote] == '`')) {
        const char q = text[quote];
        const size_t valueStart = quote + 1;
        size_t valueEnd = valueStart;
        while (valueEnd < text.size() && text[valueEnd] != q && text[valueEnd] != '\n') {
            if (text[valueEnd] == '\\' && valueEnd + 1 < text.size() && text[valueEnd + 1] != '\n') ++valueEnd;
            ++valueEnd;
        }
        const std::string_view value = text.substr(valueStart, valueEnd - valueStart);
        if (isReference(value)) return std::nullopt;
        if (kind == NameKind::Password ? !looksLikePassword(value) : !looksLikeToken(value)) return std::nullopt;
        return Span{valueStart, valueEnd};
    }
    if (!hasOperator) return std::nullopt;  // a bare value needs an explicit assignment
    size_t valueEnd = i;
    while (valueEnd < text.size() && !isValueDelimiter(text[valueEnd])) ++valueEnd;
    const std::string_view value = text.substr(i, valueEnd - i);
    // A call or an index (get_password(), tokens[i]) is code, not a value.
    if (valueEnd < text.size() && (text[valueEnd] == '(' || text[valueEnd] == '[')) return std::nullopt;
    if (isReference(value)) return std::nullopt;
    // A bare identifier is a variable unless it carries digits or symbols.
    bool identifier = !value.empty() && (isAlpha(value[0]) || value[0] == '_');
    for (const char c : value) identifier = identifier && isIdentifierChar(c);
    if (identifier && !hasDigit(value)) return std::nullopt;
    if (kind == NameKind::Password ? !looksLikePassword(value) : !looksLikeToken(value)) return std::nullopt;
    return Span{i, valueEnd};
}

// scheme://user:password@host → the password.
std::optional<Span> urlPassword(std::string_view text, size_t schemeEnd) {
    size_t i = schemeEnd + 3;
    size_t colon = std::string_view::npos;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '@') break;
        if (c == '/' || c == '?' || c == '#' || isSpace(c) || c == '"' || c == '\'' || c == '`') return std::nullopt;
        if (c == ':' && colon == std::string_view::npos) colon = i;
    }
    if (i >= text.size() || colon == std::string_view::npos || colon + 1 >= i) return std::nullopt;
    const std::string_view password = text.substr(colon + 1, i - colon - 1);
    if (password.starts_with("${") || password.starts_with("{{") || password.starts_with("$(") ||
        password.starts_with("<"))
        return std::nullopt;
    return Span{colon + 1, i};
}

// The spans of `text` to replace with kRedacted, in order, not overlapping.
std::vector<Span> findSecrets(std::string_view text) {
    std::vector<Span> spans;
    size_t i = 0;
    size_t coveredTo = 0;  // spans never overlap: nothing before this is looked at again
    auto add = [&](Span s) {
        if (s.start < coveredTo || s.end <= s.start) return;
        spans.push_back(s);
        coveredTo = s.end;
    };
    while (i < text.size()) {
        const char c = text[i];
        const bool wordStart = i == 0 || !isWordChar(text[i - 1]);
        size_t lineEnd = 0;
        if (c == '-' && isPrivateKeyMarker(text, i, kBegin, lineEnd)) {
            // The body: the lines after BEGIN up to END (or the end of the text: a
            // window may cut the block).
            const size_t bodyStart = std::min(lineEnd + 1, text.size());
            size_t endMarker = text.find(kEnd, bodyStart);
            size_t bodyEnd = endMarker == std::string_view::npos ? text.size() : endMarker;
            if (bodyEnd > bodyStart && text[bodyEnd - 1] == '\n') --bodyEnd;
            if (bodyEnd > bodyStart) add(Span{bodyStart, bodyEnd});
            i = endMarker == std::string_view::npos ? text.size() : endMarker + kEnd.size();
            continue;
        }
        if (c == '-' && isPrivateKeyMarker(text, i, kEnd, lineEnd)) {
            // An END with no BEGIN before it: the window starts inside the block.
            size_t start = i;
            while (start > coveredTo) {
                const size_t prevEnd = start - 1;  // the '\n' ending the previous line
                if (prevEnd == 0 || text[prevEnd] != '\n') break;
                size_t lineStart = text.rfind('\n', prevEnd - 1);
                lineStart = lineStart == std::string_view::npos ? 0 : lineStart + 1;
                const std::string_view line = text.substr(lineStart, prevEnd - lineStart);
                bool base64 = !line.empty();
                for (const char b : line) base64 = base64 && (isBase64(b) || b == '\r');
                if (!base64) break;
                start = lineStart;
            }
            if (start < i) add(Span{start, i > 0 && text[i - 1] == '\n' ? i - 1 : i});
            i = lineEnd;
            continue;
        }
        if (c == ':' && text.compare(i, 3, "://") == 0) {
            if (auto span = urlPassword(text, i)) {
                add(*span);
                i = span->end;
                continue;
            }
        }
        if (wordStart && isWordChar(c)) {
            if (size_t end = prefixedToken(text, i); end || (end = jsonWebToken(text, i))) {
                add(Span{i, end});
                i = end;
                continue;
            }
            if ((c == 'B' || c == 'b') && text.compare(i + 1, 6, "earer ") == 0) {
                size_t start = i + 7, end = start;
                while (end < text.size() && (isWordChar(text[end]) || text[end] == '.' || text[end] == '~' ||
                                             text[end] == '+' || text[end] == '/'))
                    ++end;
                while (end < text.size() && text[end] == '=') ++end;
                if (end - start >= 16 && hasDigit(text.substr(start, end - start))) {
                    add(Span{start, end});
                    i = end;
                    continue;
                }
            }
            if (isAlpha(c) || c == '_') {
                size_t next = i + 1;
                if (auto span = secretAssignment(text, i, next)) {
                    add(*span);
                    next = span->end;
                }
                i = std::max(next, i + 1);
                continue;
            }
            while (i < text.size() && isWordChar(text[i])) ++i;
            continue;
        }
        ++i;
    }
    return spans;
}

} // namespace

size_t redactSecrets(std::string& before, std::string& after) {
    const size_t cut = before.size();
    std::string joined = before + after;
    const std::vector<Span> spans = findSecrets(joined);
    if (spans.empty()) return 0;
    std::string newBefore, newAfter;
    newBefore.reserve(before.size());
    newAfter.reserve(after.size());
    size_t at = 0;
    auto copy = [&](size_t from, size_t to) {
        if (from < cut) newBefore.append(joined, from, std::min(to, cut) - from);
        if (to > cut) newAfter.append(joined, std::max(from, cut), to - std::max(from, cut));
    };
    for (const Span& span : spans) {
        copy(at, span.start);
        (span.start < cut ? newBefore : newAfter) += kRedacted;
        at = span.end;
    }
    copy(at, joined.size());
    before = std::move(newBefore);
    after = std::move(newAfter);
    return spans.size();
}

size_t redactSecrets(std::string& text) {
    std::string none;
    return redactSecrets(text, none);
}

size_t redactSecrets(std::string& text, RedactedSecrets* secrets) {
    if (!secrets) return redactSecrets(text);
    const std::vector<Span> spans = findSecrets(text);
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    // Placeholders already in the text (between secrets) stand for themselves.
    auto copy = [&](size_t from, size_t to) {
        const std::string_view part = std::string_view(text).substr(from, to - from);
        for (size_t p = part.find(kRedacted); p != std::string_view::npos; p = part.find(kRedacted, p + kRedacted.size()))
            secrets->originals.emplace_back(kRedacted);
        out.append(part);
    };
    for (const Span& span : spans) {
        copy(at, span.start);
        secrets->originals.emplace_back(text, span.start, span.end - span.start);
        out += kRedacted;
        at = span.end;
    }
    copy(at, text.size());
    secrets->redacted += spans.size();
    text = std::move(out);
    return spans.size();
}

bool holdsSecret(std::string_view text, size_t from, size_t to) {
    for (const Span& span : findSecrets(text))
        if (span.start < to && from < span.end) return true;
    return false;
}

bool restoreSecrets(std::string& reply, const RedactedSecrets& secrets) {
    if (secrets.redacted == 0) return true;
    std::vector<size_t> found;
    for (size_t p = reply.find(kRedacted); p != std::string::npos; p = reply.find(kRedacted, p + kRedacted.size()))
        found.push_back(p);
    if (found.size() != secrets.originals.size()) return false;
    std::string out;
    out.reserve(reply.size());
    size_t at = 0;
    for (size_t i = 0; i < found.size(); ++i) {
        out.append(reply, at, found[i] - at);
        out += secrets.originals[i];
        at = found[i] + kRedacted.size();
    }
    out.append(reply, at);
    reply = std::move(out);
    return true;
}

} // namespace flint
