#include "bus_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "util/terminal_text.hpp"

namespace shmtool::cli {
namespace {

// The line the handler writes: made before the copy, since a handler may only write(2).
char g_line[1024];
std::size_t g_length = 0;
struct sigaction g_previous {};

void on_bus_error(int) {
  (void)!write(STDERR_FILENO, g_line, g_length);
  _exit(1);
}

}  // namespace

std::string shrank_words() {
  return "the object shrank while it was being copied (another process truncated it); the "
         "copy is incomplete";
}

BusErrorGuard::BusErrorGuard(std::string_view command, const std::string& subject) {
  std::string line = "shmtool: ";
  line += command;
  line += ": ";
  line += subject;
  line += ": ";
  line += shrank_words();
  line = escape_for_terminal(line);
  line += '\n';
  g_length = std::min(line.size(), sizeof g_line);
  std::memcpy(g_line, line.data(), g_length);
  struct sigaction action {};
  action.sa_handler = on_bus_error;
  sigemptyset(&action.sa_mask);
  sigaction(SIGBUS, &action, &g_previous);
}

BusErrorGuard::~BusErrorGuard() {
  sigaction(SIGBUS, &g_previous, nullptr);
}

}  // namespace shmtool::cli
