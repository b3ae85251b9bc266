#include "workspace/Document.h"

#include "workspace/Language.h"

#include <algorithm>

namespace flint {

namespace {

// A full-text change is recorded as the one replacement of the part that differs.
void recordWholeReplacement(EditHistory& history, const Text& before, std::string_view after) {
    const std::string_view old = before.str();
    size_t prefix = 0;
    while (prefix < old.size() && prefix < after.size() && old[prefix] == after[prefix]) ++prefix;
    size_t suffix = 0;
    while (suffix < old.size() - prefix && suffix < after.size() - prefix &&
           old[old.size() - 1 - suffix] == after[after.size() - 1 - suffix])
        ++suffix;
    if (prefix == old.size() && prefix == after.size()) return;
    history.record(before, static_cast<uint32_t>(prefix), static_cast<uint32_t>(old.size() - suffix),
                   after.substr(prefix, after.size() - prefix - suffix));
}

} // namespace

Document::Document(std::string uri, std::string languageId, int64_t version, std::string text)
    : uri_(std::move(uri)), languageId_(std::move(languageId)), version_(version),
      text_(std::move(text)), language_(LanguageRegistry::get().forDocument(languageId_, uri_)) {
    if (language_) syntax_ = std::make_unique<SyntaxTree>(*language_, text_.str());
}

Document::Document(const Document& other, std::unique_ptr<SyntaxTree> syntax)
    : uri_(other.uri_), languageId_(other.languageId_), version_(other.version_), text_(other.text_),
      language_(other.language_), syntax_(std::move(syntax)) {}

std::unique_ptr<Document> Document::withInsertion(size_t offset, std::string_view insertion) const {
    std::unique_ptr<Document> copy(new Document(*this, syntax_ ? syntax_->clone() : nullptr));
    const ByteEdit edit = copy->text_.replace(offset, offset, insertion);
    if (copy->syntax_) {
        copy->syntax_->edit(edit);
        copy->syntax_->reparse(copy->text_.str());
    }
    return copy;
}

void Document::applyChanges(std::span<const ContentChange> changes, int64_t version,
                            PositionEncoding encoding,
                            std::optional<std::chrono::microseconds> parseBudget) {
    bool replacedWhole = false;
    for (const ContentChange& change : changes) {
        if (!change.range) {
            recordWholeReplacement(history_, text_, change.text);
            text_ = Text(change.text);
            replacedWhole = true;
            headImports_.reset();
            definitions_.reset();
            continue;
        }
        const size_t start = text_.offsetAt(change.range->start, encoding);
        const size_t end = text_.offsetAt(change.range->end, encoding);
        history_.record(text_, static_cast<uint32_t>(std::min(start, end)), static_cast<uint32_t>(std::max(start, end)),
                        change.text);
        const ByteEdit edit = text_.replace(start, end, change.text);
        if (syntax_ && !replacedWhole) syntax_->edit(edit);
        if (!replacedWhole) definitions_.edit(edit);
        // Bytes before an edit keep their offsets: the cache survives edits past the
        // head and past the end of the last import it holds (which may run beyond it).
        if (headImports_ && edit.startByte <= std::max(kImportHeadBytes, headImports_->empty() ? 0u : headImports_->back().endByte))
            headImports_.reset();
    }
    version_ = version;
    if (!language_) return;
    // After a full replacement nothing of the old tree is reusable.
    if (replacedWhole) syntax_ = std::make_unique<SyntaxTree>(*language_, text_.str());
    else if (!changes.empty() && !(parseBudget && parseBudget->count() == 0)) syntax_->reparse(text_.str(), parseBudget);
}

const SyntaxTree* Document::parsedSyntax() {
    if (parsePending()) syntax_->reparse(text_.str());
    return syntax_.get();
}

const std::vector<ByteSpan>& Document::headImports() {
    if (!headImports_) {
        const SyntaxTree* tree = parsedSyntax();
        headImports_ = tree ? tree->imports(text_.str(), 0, kImportHeadBytes) : std::vector<ByteSpan>{};
    }
    return *headImports_;
}

const std::vector<Definition>& Document::definitions() {
    static const std::vector<Definition> none;
    const SyntaxTree* tree = parsedSyntax();
    return tree ? definitions_.get(*tree, text_.str()) : none;
}

const std::vector<Definition>& Document::definitionsAwayFrom(uint32_t start, uint32_t end) {
    static const std::vector<Definition> none;
    const SyntaxTree* tree = parsedSyntax();
    return tree ? definitions_.getAwayFrom(*tree, text_.str(), start, end) : none;
}

bool Document::continueParse(std::chrono::microseconds budget) {
    return !parsePending() || syntax_->reparse(text_.str(), budget);
}

} // namespace flint
