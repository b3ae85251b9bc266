#pragma once
// The suite's secrets: fake, distinctive, and searched for in every log line the suite
// produces. Tests that configure a keyed provider use kTestApiKey; tests of in-buffer
// redaction put kBufferSecret in a document. The last ctest (audit-logs.py) reads both
// from this file and fails if any log line holds either (or a piece of one), so a leak
// anywhere in the suite is found, not only in the test that looks for it.
//
//   LspProcess server({"--stdio"}, {{"FLINT_API_KEY", flint::test::kTestApiKey}});
//
// Node scripts read them with tests/support/test-secrets.mjs. Keep each on one line.

namespace flint::test {

inline constexpr const char* kTestApiKey = "sk-flint-audit-7Qm2Xv9LpR4tKc8WnB3d";
inline constexpr const char* kBufferSecret = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

} // namespace flint::test
