#pragma once

#include <string_view>

namespace parley::log {

enum class level { debug, info, warn, error };

/// Sets the lowest level written. Default: info (debug with PARLEY_DEBUG=1).
void set_threshold(level lvl) noexcept;

/// Writes one line to stderr: `parley[<component>] <level>: <text>`. Stdout
/// belongs to JSON-RPC in stdio mode, so logs never go there. Thread-safe: a
/// line is written with one write(2) and is never interleaved.
void write(level lvl, std::string_view component, std::string_view text);

inline void debug(std::string_view c, std::string_view t) { write(level::debug, c, t); }
inline void info(std::string_view c, std::string_view t) { write(level::info, c, t); }
inline void warn(std::string_view c, std::string_view t) { write(level::warn, c, t); }
inline void error(std::string_view c, std::string_view t) { write(level::error, c, t); }

}  // namespace parley::log
