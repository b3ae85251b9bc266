#include "model/WireFormat.h"

namespace flint {

namespace formats {
const WireFormat& openAiResponsesFormat();
const WireFormat& openAiChatFormat();
const WireFormat& openAiCompletionsFormat();
const WireFormat& llamaInfillFormat();
const WireFormat& ollamaFormat();
} // namespace formats

std::span<const WireFormat* const> wireFormats() {
    static const WireFormat* const all[] = {
        &formats::openAiResponsesFormat(), &formats::openAiChatFormat(), &formats::openAiCompletionsFormat(),
        &formats::llamaInfillFormat(),     &formats::ollamaFormat(),
    };
    return all;
}

const WireFormat* findWireFormat(std::string_view kind) {
    for (const WireFormat* format : wireFormats())
        if (format->kind() == kind) return format;
    return nullptr;
}

} // namespace flint
