#pragma once
// Generated source files for the benchmarks: realistic shapes, any length.

#include <algorithm>
#include <string>

namespace flint::bench {

inline std::string pythonFile(int lines) {
    std::string s = "import os\nimport sys\n\n";
    int n = 0;
    while (std::count(s.begin(), s.end(), '\n') < lines) {
        s += "class Widget" + std::to_string(n) + ":\n";
        s += "    \"\"\"A widget with some state.\"\"\"\n\n";
        s += "    def __init__(self, size):\n        self.size = size\n        self.items = []\n\n";
        s += "    def grow(self, amount):\n        if amount > 0:\n            self.size += amount\n"
             "        return self.size\n\n";
        s += "    def describe(self):\n        return f'widget {self.size} with {len(self.items)} items'\n\n\n";
        ++n;
    }
    return s;
}

inline std::string cppFile(int lines) {
    std::string s = "#include <string>\n#include <vector>\n\nnamespace app {\n\n";
    int n = 0;
    while (std::count(s.begin(), s.end(), '\n') < lines) {
        const std::string name = "Widget" + std::to_string(n);
        s += "class " + name + " {\npublic:\n    explicit " + name + "(int size) : size_(size) {}\n";
        s += "    int grow(int amount) {\n        if (amount > 0) size_ += amount;\n        return size_;\n    }\n";
        s += "    std::string describe() const { return \"widget \" + std::to_string(size_); }\n\n";
        s += "private:\n    int size_;\n    std::vector<int> items_;\n};\n\n";
        ++n;
    }
    return s + "} // namespace app\n";
}

} // namespace flint::bench
