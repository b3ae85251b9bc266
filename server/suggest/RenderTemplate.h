#pragma once
// A small template language for prompts kept as data files (prompts/): values are
// strings and lists of nested values; the syntax is a subset of Mustache.
//
//   TemplateValues v;
//   v.set("path", "src/a.py");
//   v.add("events").set("diff", "@@ -1 +1 @@\n-a\n+b\n");
//   std::string out = renderTemplate("File {{path}}\n{{#events}}{{diff}}{{/events}}", v);
//
//   {{name}}              the string `name` (empty when unset); looked up in the
//                         current list item first, then outwards
//   {{#name}}...{{/name}} a list: the block once per item; a string: the block once
//                         when it is not empty
//   {{^name}}...{{/name}} the block when `name` is empty or unset
// A line holding only a section tag ({{#..}}, {{^..}}, {{/..}}) and blanks is
// dropped whole, so templates can put tags on their own lines. No escaping: the
// values go into prompts verbatim.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace flint {

class TemplateValues {
public:
    TemplateValues& set(const std::string& name, std::string value);
    // Appends an item to the list `name` and returns it, for its own values.
    TemplateValues& add(const std::string& name);

    const std::string* string(std::string_view name) const;
    const std::vector<TemplateValues>* list(std::string_view name) const;

private:
    std::map<std::string, std::string, std::less<>> strings_;
    std::map<std::string, std::vector<TemplateValues>, std::less<>> lists_;
};

// Renders `source`. An unbalanced or malformed tag is kept as text and reported in
// `error` (empty when the template is well formed).
std::string renderTemplate(std::string_view source, const TemplateValues& values, std::string* error = nullptr);

} // namespace flint
