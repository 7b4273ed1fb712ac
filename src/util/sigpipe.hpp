#pragma once

namespace parley {

/// A client library that writes to a socket with write(2) or send(2) without
/// MSG_NOSIGNAL (hiredis, libstrophe) turns a write to a peer that went away
/// into SIGPIPE, which by default kills the process. A network backend must
/// not do that: this sets SIGPIPE to ignored, once per process, unless the
/// process installed a handler of its own (which it keeps).
void ignore_sigpipe_once();

}  // namespace parley
