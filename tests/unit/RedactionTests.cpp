// Secrets redacted before a request leaves the machine: each kind, the shape kept,
// and ordinary code left alone.
#include "context/Redaction.h"

#include <catch2/catch.hpp>

using namespace flint;

namespace {

std::string redacted(std::string text, size_t expected) {
    const size_t n = redactSecrets(text);
    CHECK(n == expected);
    return text;
}

} // namespace

TEST_CASE("redaction: API-key-shaped tokens") {
    CHECK(redacted("client = OpenAI(api_key=\"sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\")", 1) ==
          "client = OpenAI(api_key=\"REDACTED\")");
    CHECK(redacted("key = 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDc'\n", 1) == "key = 'REDACTED'\n");
    CHECK(redacted("git clone https://ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8@github.com/x", 1) ==
          "git clone https://REDACTED@github.com/x");
    CHECK(redacted("token: github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", 1) == "token: REDACTED");
    CHECK(redacted("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", 1) == "aws_access_key_id = REDACTED\n");
    CHECK(redacted("export TOKEN=xoxb-123456789012-abcdefABCDEF", 1) == "export TOKEN=REDACTED");
    CHECK(redacted("const maps = \"AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q\";", 1) == "const maps = \"REDACTED\";");
    CHECK(redacted("stripe.api_key = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"", 1) == "stripe.api_key = \"REDACTED\"");
    CHECK(redacted("HF=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", 1) == "HF=REDACTED");
    CHECK(redacted("//registry.npmjs.org/:_authToken=npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", 1) ==
          "//registry.npmjs.org/:_authToken=REDACTED");
    CHECK(redacted("glpat-abcdEFGH1234ijklMNOP", 1) == "REDACTED");
    CHECK(redacted("auth = \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\"", 1) ==
          "auth = \"REDACTED\"");
    CHECK(redacted("headers = {\"Authorization\": \"Bearer abc123def456ghi789jkl\"}", 1) ==
          "headers = {\"Authorization\": \"Bearer REDACTED\"}");
}

TEST_CASE("redaction: private key blocks keep their BEGIN and END lines") {
    const std::string pem = "KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\n"
                            "MIIEowIBAAKCAQEA1b2c3d4e5f6g7h8i9j0\n"
                            "k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6==\n"
                            "-----END RSA PRIVATE KEY-----\"\"\"\n";
    CHECK(redacted(pem, 1) == "KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nREDACTED\n-----END RSA PRIVATE KEY-----\"\"\"\n");
    // A window that starts inside the block (no BEGIN) or ends inside it (no END).
    CHECK(redacted("MIIEowIBAAKCAQEA1b2c3d4e5f6g7h8i9j0\nk1l2m3n4o5==\n-----END OPENSSH PRIVATE KEY-----\nx = 1\n", 1) ==
          "REDACTED\n-----END OPENSSH PRIVATE KEY-----\nx = 1\n");
    CHECK(redacted("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBa1b2c3d4", 1) == "-----BEGIN EC PRIVATE KEY-----\nREDACTED");
    // Certificates are public.
    CHECK(redacted("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0) ==
          "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
}

TEST_CASE("redaction: assignments to secret names") {
    CHECK(redacted("password = \"hunter22\"", 1) == "password = \"REDACTED\"");
    CHECK(redacted("db.connect(user=\"app\", password='S3cure!pass')", 1) == "db.connect(user=\"app\", password='REDACTED')");
    CHECK(redacted("DB_PASSWORD=Tr0ub4dor&3\n", 1) == "DB_PASSWORD=REDACTED\n");
    CHECK(redacted("  password: correct-horse-9\n", 1) == "  password: REDACTED\n");
    CHECK(redacted("{\"apiKey\": \"9f8e7d6c5b4a39281706f5e4d3c2b1a0\"}", 1) == "{\"apiKey\": \"REDACTED\"}");
    CHECK(redacted("SECRET_KEY = 'django-insecure-8x#k2!m9v@q4w7z1'", 1) == "SECRET_KEY = 'REDACTED'");
    CHECK(redacted("clientSecret := \"a8f5f167f44f4964e6c998dee827110c\"", 1) == "clientSecret := \"REDACTED\"");
    CHECK(redacted("#define API_KEY \"0123456789abcdef0123456789abcdef\"", 1) == "#define API_KEY \"REDACTED\"");
    CHECK(redacted("url = \"postgres://admin:pa55w0rd@db.internal:5432/app\"", 1) ==
          "url = \"postgres://admin:REDACTED@db.internal:5432/app\"");
}

TEST_CASE("redaction leaves ordinary code alone") {
    const char* code[] = {
        "token = tokens[i]",
        "max_tokens = 256",
        "password = input(\"Password: \")",
        "password_hash = bcrypt.hash(pw)",
        "if (password.length < 8) return false;",
        "const token = await getToken();",
        "self.password = password",
        "api_key: str = \"\"",
        "secret_key = os.environ[\"SECRET_KEY\"]",
        "PASSWORD_FIELD = \"password\"",
        "token_type = \"Bearer\"",
        "auth_header = \"Authorization\"",
        "TOKEN_ENV = \"OPENAI_API_KEY\"",
        "api_key = config.openai.api_key",
        "password = \"${DB_PASSWORD}\"",
        "url = \"postgres://user:${PASSWORD}@host/db\"",
        "auth_url = \"https://example.com/oauth2/token\"",
        "tokenizer = AutoTokenizer.from_pretrained(\"bert-base-uncased\")",
        "className = \"sk-button-primary-large-outline\"",
        "task_name = \"askdjfhaksjdhfkajsdhfkjasdhf\"",
        "ASSET_KEY = \"images/logo.png\"",
        "def check_password(user, password):",
        "let mut secret = String::new();",
        "sha = \"e3b0c44298fc1c149afbf4c8996fb924\"",  // a hash under a plain name
    };
    for (const char* line : code) {
        INFO(line);
        std::string text = line;
        CHECK(redactSecrets(text) == 0);
        CHECK(text == line);
    }
}

TEST_CASE("redaction across the cursor: a secret cut in two is redacted in both parts") {
    std::string before = "key = \"sk-proj-Ab3dEf6hIj9k", after = "Lm2nOp5qRs8tUv1wXy4z\"\nprint(key)\n";
    CHECK(redactSecrets(before, after) == 1);
    CHECK(before == "key = \"REDACTED");
    CHECK(after == "\"\nprint(key)\n");

    std::string b2 = "x = 1\n", a2 = "y = 2\n";
    CHECK(redactSecrets(b2, a2) == 0);
    CHECK(b2 == "x = 1\n");
    CHECK(a2 == "y = 2\n");
}

TEST_CASE("redaction for a rewrite: the reply gets the originals back, in order, or is refused") {
    const std::string region = "KEY = \"sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\"  # REDACTED by ops\n"
                               "password = \"hunter22\"\n";
    std::string text = region;
    RedactedSecrets secrets;
    CHECK(redactSecrets(text, &secrets) == 2);
    CHECK(text == "KEY = \"REDACTED\"  # REDACTED by ops\npassword = \"REDACTED\"\n");
    REQUIRE(secrets.originals.size() == 3);  // the literal placeholder stands for itself
    CHECK(secrets.redacted == 2);

    // A rewrite that keeps the placeholders (renames, reformats) gets the secrets back.
    std::string reply = "API_KEY = \"REDACTED\"  # REDACTED by ops\nPASSWORD = \"REDACTED\"\n";
    CHECK(restoreSecrets(reply, secrets));
    CHECK(reply == "API_KEY = \"sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z\"  # REDACTED by ops\nPASSWORD = \"hunter22\"\n");

    // One placeholder lost: which secret is where is unknown, so nothing is restored.
    std::string lost = "API_KEY = \"REDACTED\"\n";
    CHECK_FALSE(restoreSecrets(lost, secrets));
    CHECK(lost == "API_KEY = \"REDACTED\"\n");

    // Nothing redacted: any reply is fine as it is, placeholders and all.
    std::string plain = "x = 'REDACTED'\n";
    RedactedSecrets none;
    CHECK(redactSecrets(plain, &none) == 0);
    std::string echoed = "y = 'REDACTED'\n";
    CHECK(restoreSecrets(echoed, none));
    CHECK(echoed == "y = 'REDACTED'\n");
}

TEST_CASE("redaction keeps non-ASCII text intact around a secret") {
    std::string text = "# clé d'accès — ключ 🔑\ntoken = \"ghp_aB3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3d\"  # 東京\n";
    CHECK(redactSecrets(text) == 1);
    CHECK(text == "# clé d'accès — ключ 🔑\ntoken = \"REDACTED\"  # 東京\n");
}
