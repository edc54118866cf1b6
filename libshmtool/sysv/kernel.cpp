#include "sysv/kernel.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace shmtool {
namespace {

constexpr const char* kProcShm = "/proc/sysvipc/shm";
constexpr std::size_t kChunk = 64 * 1024;

class SystemKernel final : public ShmKernel {
 public:
  int max_index() override {
    // IPC_INFO returns the highest index in use, as SHM_INFO does, but SHM_INFO also makes the
    // kernel add up every segment's resident and swapped pages under its lock: a fifth of a
    // whole listing's time at 4,000 segments. IPC_INFO fills a struct shminfo through the
    // shmid_ds pointer, as shmctl(2) documents.
    struct shminfo info {};
    const int rc = shmctl(0, IPC_INFO, reinterpret_cast<struct shmid_ds*>(&info));
    return rc < 0 ? -errno : rc;
  }

  int stat_index(int index, IndexStat call, struct shmid_ds& ds) override {
    const int rc = shmctl(index, call == IndexStat::stat_any ? SHM_STAT_ANY : SHM_STAT, &ds);
    return rc < 0 ? -errno : rc;
  }

  int stat_id(int id, struct shmid_ds& ds) override {
    const int rc = shmctl(id, IPC_STAT, &ds);
    return rc < 0 ? -errno : 0;
  }

  Result<std::string> proc_table() override {
    std::string text;
    auto status = scan_proc_table([&text](std::string_view piece) {
      text += piece;
      return false;
    });
    if (!status.ok()) return status.error();
    return text;
  }

  Status read_proc_table(const std::function<void(std::string_view)>& consume) override {
    // Opened here: the file is of the IPC namespace of the thread that opens it.
    const int fd = open(kProcShm, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error(Op::enumerate, errno, kProcShm);
    // Two buffers: the reader fills one (the kernel gives a page or so per read) while this
    // thread consumes the other.
    struct Chunk {
      std::string bytes;
      bool ready = false;
    };
    std::array<Chunk, 2> chunks;
    std::mutex mutex;
    std::condition_variable changed;
    bool finished = false;
    int error = 0;
    std::thread reader([&] {
      for (std::size_t turn = 0;; ++turn) {
        Chunk& chunk = chunks[turn % 2];
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&chunk] { return !chunk.ready; });
        }
        chunk.bytes.resize(kChunk);
        std::size_t filled = 0;
        int err = 0;
        bool end = false;
        while (filled + kChunk / 8 <= kChunk) {
          const ssize_t n = read(fd, chunk.bytes.data() + filled, kChunk - filled);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) err = errno;
          if (n <= 0) {
            end = true;
            break;
          }
          filled += static_cast<std::size_t>(n);
        }
        chunk.bytes.resize(filled);
        const std::lock_guard lock(mutex);
        chunk.ready = true;
        if (end) {
          finished = true;
          error = err;
        }
        changed.notify_all();
        if (end) return;
      }
    });
    std::exception_ptr failure;
    for (std::size_t turn = 0;; ++turn) {
      Chunk& chunk = chunks[turn % 2];
      bool last = false;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&chunk] { return chunk.ready; });
        // The reader stops after the chunk that ended the file: it is the last if the other
        // one is not waiting to be taken.
        last = finished && !chunks[(turn + 1) % 2].ready;
      }
      // An exception in `consume` (out of memory) waits for the reader to end, then goes on.
      if (!chunk.bytes.empty() && !failure) {
        try {
          consume(chunk.bytes);
        } catch (...) {
          failure = std::current_exception();
        }
      }
      {
        const std::lock_guard lock(mutex);
        chunk.ready = false;
        changed.notify_all();
      }
      if (last) break;
    }
    reader.join();
    close(fd);
    if (failure) std::rethrow_exception(failure);
    if (error != 0) return errno_error(Op::enumerate, error, kProcShm);
    return Done{};
  }

  Status scan_proc_table(const std::function<bool(std::string_view)>& consume) override {
    const int fd = open(kProcShm, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error(Op::enumerate, errno, kProcShm);
    char buffer[65536];
    for (;;) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        close(fd);
        return errno_error(Op::enumerate, err, kProcShm);
      }
      if (n == 0 || consume(std::string_view(buffer, static_cast<std::size_t>(n)))) break;
    }
    close(fd);
    return Done{};
  }
};

}  // namespace

ShmKernel& system_kernel() {
  static SystemKernel kernel;
  return kernel;
}

}  // namespace shmtool
