// Small string helpers used across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan {

std::string_view TrimSpace(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);

}  // namespace hullscan
