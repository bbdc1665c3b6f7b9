#include "core/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace mq {
namespace {

std::string describe_errno(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

StatusOr<unsigned long long> file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::error(describe_errno("cannot open", path));
  if (S_ISDIR(st.st_mode)) return Status::error("'" + path + "' is a directory, not a file");
  return static_cast<unsigned long long>(st.st_size);
}

StatusOr<std::string> read_file(const std::string& path, unsigned long long max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error(describe_errno("cannot open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::error("'" + path + "' is not a readable file");
  }
  unsigned long long size = static_cast<unsigned long long>(st.st_size);
  if (size > max_bytes) {
    ::close(fd);
    return Status::error("'" + path + "' is " + std::to_string(size) + " bytes, more than the limit of " +
                         std::to_string(max_bytes) + " bytes");
  }
  std::string data;
  data.resize(static_cast<size_t>(size));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Status::error(describe_errno("cannot read", path));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

namespace {

// Creates a temporary file next to `path`, lets `fill` write into its
// descriptor, then fsyncs and renames it over `path`. Nothing is left behind
// on failure.
Status write_through_temporary(const std::string& path, const std::function<Status(int fd)>& fill) {
  std::string tmp = path + ".tmp-XXXXXX";
  std::vector<char> tmpl(tmp.begin(), tmp.end());
  tmpl.push_back('\0');
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return Status::error(describe_errno("cannot create a temporary file next to", path));
  std::string tmp_path(tmpl.data());
  Status filled = fill(fd);
  if (filled.is_ok()) {
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0) filled = Status::error(describe_errno("cannot flush", path));
  }
  if (::close(fd) != 0 && filled.is_ok()) filled = Status::error(describe_errno("cannot close", path));
  if (filled.is_ok() && ::rename(tmp_path.c_str(), path.c_str()) != 0)
    filled = Status::error(describe_errno("cannot write", path));
  if (!filled.is_ok()) {
    ::unlink(tmp_path.c_str());
    return filled;
  }
  // Make the rename itself durable: flush the folder's entry too (best
  // effort; some file systems cannot sync a folder).
  size_t slash = path.find_last_of('/');
  std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_fd >= 0) {
    ::fsync(folder_fd);
    ::close(folder_fd);
  }
  return filled;
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& data) {
  return write_through_temporary(path, [&](int fd) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::error(describe_errno("cannot write", path));
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  });
}

Status write_file_atomic_stream(const std::string& path,
                                const std::function<Status(google::protobuf::io::ZeroCopyOutputStream&)>& produce) {
  return write_through_temporary(path, [&](int fd) {
    google::protobuf::io::FileOutputStream stream(fd, 1 << 20);
    Status s = produce(stream);
    bool flushed = stream.Flush();
    // A failed write (a full disk) says why, whichever of the two noticed it.
    if (stream.GetErrno() != 0 || (!flushed && s.is_ok())) {
      errno = stream.GetErrno();
      s = Status::error(describe_errno("cannot write", path));
    }
    return s;
  });
}

StatusOr<std::string> read_file_head(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error(describe_errno("cannot open", path));
  std::string head(max_bytes, '\0');
  size_t done = 0;
  while (done < max_bytes) {
    ssize_t n = ::read(fd, head.data() + done, max_bytes - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  head.resize(done);
  return head;
}

Status read_file_stream(const std::string& path,
                        const std::function<Status(google::protobuf::io::ZeroCopyInputStream&)>& consume) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error(describe_errno("cannot open", path));
  Status s;
  {
    google::protobuf::io::FileInputStream stream(fd, 1 << 20);
    s = consume(stream);
    if (stream.GetErrno() != 0 && s.is_ok()) {
      errno = stream.GetErrno();
      s = Status::error(describe_errno("cannot read", path));
    }
  }
  ::close(fd);
  return s;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace mq
