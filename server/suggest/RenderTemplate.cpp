#include "suggest/RenderTemplate.h"

#include <memory>

namespace flint {

TemplateValues& TemplateValues::set(const std::string& name, std::string value) {
    strings_[name] = std::move(value);
    return *this;
}

TemplateValues& TemplateValues::add(const std::string& name) { return lists_[name].emplace_back(); }

const std::string* TemplateValues::string(std::string_view name) const {
    auto it = strings_.find(name);
    return it == strings_.end() ? nullptr : &it->second;
}

const std::vector<TemplateValues>* TemplateValues::list(std::string_view name) const {
    auto it = lists_.find(name);
    return it == lists_.end() ? nullptr : &it->second;
}

namespace {

struct Node {
    enum class Kind { Text, Value, Section, Inverted };
    Kind kind = Kind::Text;
    std::string text;  // Text: the text; others: the name
    std::vector<Node> children;
};

struct Tag {
    size_t start = 0, end = 0;  // the tag's bytes, braces included
    char sigil = 0;             // '#', '^', '/' or 0 for a value
    std::string name;
    size_t dropStart = 0, dropEnd = 0;  // a standalone section tag removes its whole line
};

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

std::string trim(std::string_view s) {
    const size_t a = s.find_first_not_of(" \t");
    if (a == std::string_view::npos) return {};
    const size_t b = s.find_last_not_of(" \t");
    return std::string(s.substr(a, b - a + 1));
}

std::vector<Tag> findTags(std::string_view source, std::string& error) {
    std::vector<Tag> tags;
    size_t at = 0;
    while ((at = source.find("{{", at)) != std::string_view::npos) {
        const size_t close = source.find("}}", at + 2);
        if (close == std::string_view::npos) {
            error = "unclosed tag at byte " + std::to_string(at);
            break;
        }
        Tag tag;
        tag.start = at;
        tag.end = close + 2;
        std::string inner = trim(source.substr(at + 2, close - at - 2));
        if (!inner.empty() && (inner[0] == '#' || inner[0] == '^' || inner[0] == '/')) {
            tag.sigil = inner[0];
            inner = trim(std::string_view(inner).substr(1));
        }
        tag.name = inner;
        tag.dropStart = tag.start;
        tag.dropEnd = tag.end;
        if (tag.sigil) {
            const size_t lineStart = source.rfind('\n', at == 0 ? 0 : at - 1);
            const size_t from = at == 0 || lineStart == std::string_view::npos ? 0 : lineStart + 1;
            size_t lineEnd = source.find('\n', tag.end);
            const size_t to = lineEnd == std::string_view::npos ? source.size() : lineEnd;
            if ((from == at || (at > 0 && source[at - 1] != '\n' && blank(source.substr(from, at - from)))) &&
                blank(source.substr(tag.end, to - tag.end))) {
                tag.dropStart = from;
                tag.dropEnd = lineEnd == std::string_view::npos ? source.size() : lineEnd + 1;
            }
        }
        tags.push_back(std::move(tag));
        at = close + 2;
    }
    // A standalone tag must not swallow a neighbour's line; two tags on one line are
    // not standalone.
    for (size_t i = 0; i + 1 < tags.size(); ++i)
        if (tags[i].dropEnd > tags[i + 1].start || tags[i + 1].dropStart < tags[i].end) {
            tags[i].dropStart = tags[i].start, tags[i].dropEnd = tags[i].end;
            tags[i + 1].dropStart = tags[i + 1].start, tags[i + 1].dropEnd = tags[i + 1].end;
        }
    return tags;
}

std::vector<Node> parse(std::string_view source, std::string& error) {
    const std::vector<Tag> tags = findTags(source, error);
    std::vector<Node> root;
    std::vector<std::vector<Node>*> stack{&root};
    std::vector<const Tag*> open;
    size_t at = 0;
    auto text = [&](size_t from, size_t to) {
        if (to > from) stack.back()->push_back({Node::Kind::Text, std::string(source.substr(from, to - from)), {}});
    };
    for (const Tag& tag : tags) {
        text(at, tag.dropStart);
        at = tag.dropEnd;
        if (tag.sigil == 0) {
            stack.back()->push_back({Node::Kind::Value, tag.name, {}});
        } else if (tag.sigil == '/') {
            if (open.empty() || open.back()->name != tag.name) {
                error = "unexpected {{/" + tag.name + "}}";
                continue;
            }
            open.pop_back();
            stack.pop_back();
        } else {
            auto& siblings = *stack.back();
            siblings.push_back({tag.sigil == '#' ? Node::Kind::Section : Node::Kind::Inverted, tag.name, {}});
            stack.push_back(&siblings.back().children);
            open.push_back(&tag);
        }
    }
    text(at, source.size());
    if (!open.empty()) error = "unclosed {{" + std::string(1, open.back()->sigil) + open.back()->name + "}}";
    return root;
}

using Scope = std::vector<const TemplateValues*>;

const std::string* lookupString(const Scope& scope, std::string_view name) {
    for (auto it = scope.rbegin(); it != scope.rend(); ++it)
        if (const std::string* s = (*it)->string(name)) return s;
    return nullptr;
}

const std::vector<TemplateValues>* lookupList(const Scope& scope, std::string_view name) {
    for (auto it = scope.rbegin(); it != scope.rend(); ++it)
        if (const auto* l = (*it)->list(name)) return l;
    return nullptr;
}

void render(const std::vector<Node>& nodes, Scope& scope, std::string& out) {
    for (const Node& node : nodes) {
        switch (node.kind) {
        case Node::Kind::Text: out += node.text; break;
        case Node::Kind::Value:
            if (const std::string* s = lookupString(scope, node.text)) out += *s;
            break;
        case Node::Kind::Section:
        case Node::Kind::Inverted: {
            const auto* list = lookupList(scope, node.text);
            const std::string* s = list ? nullptr : lookupString(scope, node.text);
            const bool truthy = list ? !list->empty() : (s && !s->empty());
            if (node.kind == Node::Kind::Inverted) {
                if (!truthy) render(node.children, scope, out);
            } else if (list) {
                for (const TemplateValues& item : *list) {
                    scope.push_back(&item);
                    render(node.children, scope, out);
                    scope.pop_back();
                }
            } else if (truthy) {
                render(node.children, scope, out);
            }
            break;
        }
        }
    }
}

} // namespace

std::string renderTemplate(std::string_view source, const TemplateValues& values, std::string* error) {
    std::string problem;
    const std::vector<Node> nodes = parse(source, problem);
    if (error) *error = problem;
    Scope scope{&values};
    std::string out;
    render(nodes, scope, out);
    return out;
}

} // namespace flint
