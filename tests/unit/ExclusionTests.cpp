// Ignore rules (gitignore syntax), the exclusion set over a workspace, secret file
// names, and file URIs.
#include "workspace/Exclusions.h"
#include "workspace/FileUri.h"

#include <catch2/catch.hpp>

using namespace flint;
using Verdict = IgnoreRules::Verdict;

TEST_CASE("glob matching follows gitignore's wildmatch") {
    CHECK(globMatch("*.log", "app.log"));
    CHECK_FALSE(globMatch("*.log", "dir/app.log"));  // '*' never crosses '/'
    CHECK(globMatch("a?c", "abc"));
    CHECK_FALSE(globMatch("a?c", "a/c"));
    CHECK(globMatch("[a-c]x", "bx"));
    CHECK_FALSE(globMatch("[!a-c]x", "bx"));
    CHECK(globMatch("[!a-c]x", "dx"));
    CHECK(globMatch("**/build", "build"));
    CHECK(globMatch("**/build", "a/b/build"));
    CHECK(globMatch("a/**/b", "a/b"));
    CHECK(globMatch("a/**/b", "a/x/y/b"));
    CHECK_FALSE(globMatch("a/**/b", "ab"));
    CHECK(globMatch("out/**", "out/x/y.js"));
    CHECK_FALSE(globMatch("out/**", "out"));
    CHECK(globMatch("\\*literal", "*literal"));
    CHECK_FALSE(globMatch("\\*literal", "xliteral"));
    CHECK(globMatch("[unclosed", "[unclosed"));  // a lone '[' is literal
    CHECK(globMatch("foo**bar", "fooxbar"));     // '**' inside a name is a plain '*'
    CHECK_FALSE(globMatch("foo**bar", "foo/bar"));
}

TEST_CASE("ignore rules: comments, negation, directories, anchoring, escapes") {
    const IgnoreRules rules = IgnoreRules::parse(
        "# a comment\n"
        "\n"
        "*.log\n"
        "!keep.log\n"
        "build/\n"
        "/root-only.txt\n"
        "docs/*.md\n"
        "\\#hash\n"
        "\\!bang\n"
        "trailing   \n"
        "space\\ \n"
        "crlf.txt\r\n");
    CHECK(rules.match("app.log", false) == Verdict::Ignored);
    CHECK(rules.match("deep/in/app.log", false) == Verdict::Ignored);  // no slash: any depth
    CHECK(rules.match("keep.log", false) == Verdict::Included);        // the later negation wins
    CHECK(rules.match("sub/keep.log", false) == Verdict::Included);
    CHECK(rules.match("build", true) == Verdict::Ignored);
    CHECK(rules.match("build", false) == Verdict::None);  // a file named build is not the directory
    CHECK(rules.match("x/build", true) == Verdict::Ignored);
    CHECK(rules.match("root-only.txt", false) == Verdict::Ignored);
    CHECK(rules.match("sub/root-only.txt", false) == Verdict::None);  // anchored by the leading slash
    CHECK(rules.match("docs/a.md", false) == Verdict::Ignored);
    CHECK(rules.match("x/docs/a.md", false) == Verdict::None);         // an inner slash anchors too
    CHECK(rules.match("docs/sub/a.md", false) == Verdict::None);
    CHECK(rules.match("#hash", false) == Verdict::Ignored);
    CHECK(rules.match("!bang", false) == Verdict::Ignored);
    CHECK(rules.match("trailing", false) == Verdict::Ignored);
    CHECK(rules.match("space ", false) == Verdict::Ignored);
    CHECK(rules.match("crlf.txt", false) == Verdict::Ignored);
    CHECK(rules.match("main.py", false) == Verdict::None);
}

TEST_CASE("exclusions over a workspace: nested files, directory exclusion, .flintignore, settings") {
    Exclusions ex;
    ex.setRoots({"/repo"});
    ex.setIgnoreFile("/repo", Exclusions::IgnoreFile::Git, "build/\n*.gen.py\nvendor/\n!vendor/keep.py\n");
    ex.setIgnoreFile("/repo/pkg", Exclusions::IgnoreFile::Git, "!special.gen.py\nlocal/\n");
    ex.setIgnoreFile("/repo", Exclusions::IgnoreFile::Flint, "notes/\n!docs.gen.py\n");
    using R = Exclusions::Reason;
    CHECK(ex.check("/repo/main.py") == R::None);
    CHECK(ex.check("/repo/build/out.py") == R::Ignored);            // inside an ignored directory
    CHECK(ex.check("/repo/src/build/out.py") == R::Ignored);        // build/ matches at any depth
    CHECK(ex.check("/repo/x.gen.py") == R::Ignored);
    CHECK(ex.check("/repo/pkg/special.gen.py") == R::None);         // a deeper file re-includes
    CHECK(ex.check("/repo/pkg/other.gen.py") == R::Ignored);
    CHECK(ex.check("/repo/pkg/local/a.py") == R::Ignored);
    CHECK(ex.check("/repo/local/a.py") == R::None);                 // pkg's rules stay in pkg
    CHECK(ex.check("/repo/vendor/keep.py") == R::Ignored);          // no re-including inside an excluded dir
    CHECK(ex.check("/repo/notes/todo.py") == R::Ignored);           // .flintignore
    CHECK(ex.check("/repo/docs.gen.py") == R::None);                // .flintignore overrides .gitignore
    CHECK(ex.check("/repo/.git/config") == R::Ignored);
    CHECK(ex.check("/repo/.gitignore") == R::None);
    CHECK(ex.check("/elsewhere/build/x.py") == R::None);            // outside the folders: only secrets

    const uint64_t before = ex.generation();
    ex.setExtraPatterns("*.tmp.py\n");
    CHECK(ex.generation() != before);
    CHECK(ex.check("/repo/a/b.tmp.py") == R::Ignored);
    ex.setIgnoreFile("/repo", Exclusions::IgnoreFile::Git, "");     // the file emptied or deleted
    CHECK(ex.check("/repo/build/out.py") == R::None);

    CHECK(ex.rootOf("/repo/a.py") == "/repo");
    CHECK(ex.rootOf("/repository/a.py").empty());
    CHECK_FALSE(ex.loaded("/repo/pkg"));
    ex.markLoaded("/repo/pkg/");
    CHECK(ex.loaded("/repo/pkg"));
}

TEST_CASE("nested workspace folders use the deepest one") {
    Exclusions ex;
    ex.setRoots({"/w", "/w/inner/"});
    ex.setIgnoreFile("/w/inner", Exclusions::IgnoreFile::Git, "*.py\n");
    CHECK(ex.rootOf("/w/inner/a.py") == "/w/inner");
    CHECK(ex.excludes("/w/inner/a.py"));
    CHECK_FALSE(ex.excludes("/w/a.py"));
}

TEST_CASE("secret files are excluded by name wherever they are, whatever ignore files say") {
    for (const char* path : {"/p/.env", "/p/.env.local", "/p/.env.production", "/p/prod.env", "/p/.envrc",
                             "/p/certs/server.pem", "/p/tls.key", "/p/cert.p12", "/p/store.pfx", "/p/app.jks",
                             "/home/u/.ssh/id_rsa", "/p/id_rsa.pub", "/p/id_ed25519", "/p/id_ecdsa", "/p/.npmrc",
                             "/p/.pypirc", "/home/u/.netrc", "/p/.git-credentials", "/p/credentials",
                             "/home/u/.aws/credentials", "/home/u/.aws/config", "/p/credentials.json",
                             "/p/secrets.yaml", "/p/prod.tfvars", "/p/terraform.tfstate", "/p/vault.kdbx",
                             "/p/service-account-prod.json", "/home/u/.docker/config.json", "/p/site.crt"}) {
        INFO(path);
        CHECK(isSecretFile(path));
    }
    for (const char* path : {"/p/env.py", "/p/environment.ts", "/p/keys.py", "/p/credentials.py", "/p/secrets.ts",
                             "/p/token.go", "/p/key_value.rs", "/p/README.md", "/p/config.json", "/p/.envoy.yaml"}) {
        INFO(path);
        CHECK_FALSE(isSecretFile(path));
    }
    Exclusions ex;
    ex.setRoots({"/p"});
    ex.setIgnoreFile("/p", Exclusions::IgnoreFile::Flint, "!.env\n");  // cannot be re-included
    CHECK(ex.check("/p/.env") == Exclusions::Reason::SecretFile);
    CHECK(ex.check("/elsewhere/.env") == Exclusions::Reason::SecretFile);
}

TEST_CASE("file URIs and paths") {
    CHECK(pathFromFileUri("file:///home/me/a%20b.py") == "/home/me/a b.py");
    CHECK(pathFromFileUri("file://localhost/x/y.py") == "/x/y.py");
    CHECK(pathFromFileUri("FILE:///x") == "/x");
    CHECK(pathFromFileUri("file:///c%3A/src/x.py") == "c:/src/x.py");
    CHECK(pathFromFileUri("file:///caf%C3%A9/%40x.py") == "/caf\xC3\xA9/@x.py");
    CHECK_FALSE(pathFromFileUri("untitled:Untitled-1"));
    CHECK_FALSE(pathFromFileUri("file://server/share/x"));
    CHECK_FALSE(pathFromFileUri("file:///bad%zz"));
    CHECK(fileUriFromPath("/home/me/a b.py") == "file:///home/me/a%20b.py");
    CHECK(pathFromFileUri(fileUriFromPath("/x/caf\xC3\xA9 (1)/@a+b.py")) == "/x/caf\xC3\xA9 (1)/@a+b.py");
    CHECK(relativePath("/r/src/x.py", "/r") == "src/x.py");
    CHECK(relativePath("/r/src/x.py", "/r/") == "src/x.py");
    CHECK(relativePath("/rs/x.py", "/r") == "/rs/x.py");
}
