#include "store/sqlite/wal_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace mnad::store::sqlite {

struct WalFileAccess {
  static void Defer(DeferredSyncScope& scope, int wal_fd) { scope.wal_fd_ = wal_fd; }
};

namespace {

std::atomic<uint64_t> writes_asked{0};
std::atomic<uint64_t> writes_issued{0};
std::atomic<uint64_t> syncs_waited{0};
std::atomic<uint64_t> syncs_deferred{0};

thread_local DeferredSyncScope* current_scope = nullptr;

// Gathered bytes beyond this go to the file at once: a large transaction
// (a seed) then writes in 1 MiB pieces rather than holding it all.
constexpr size_t kPendingMax = size_t{1} << 20;

struct WalState {
  sqlite3_file* real = nullptr;  // the default VFS's handle
  int fd = -1;                   // the same file again: gathered writes, deferred fdatasync
  std::string pending;           // contiguous bytes not yet written
  sqlite3_int64 pending_offset = 0;
  bool write_through_base = false;  // the base is not the default VFS
  bool synced_once = false;     // the first sync also syncs the directory
  bool header_written = false;  // a WAL header was written since the last sync
};

// What SQLite allocates for a WAL handle: this, then the default VFS's own.
struct WalFile {
  sqlite3_file base;
  WalState* state;
};
constexpr size_t kRealOffset = (sizeof(WalFile) + 7) & ~size_t{7};

WalState& State(sqlite3_file* file) {
  return *reinterpret_cast<WalFile*>(file)->state;
}

// Writes itself, on its own descriptor: the default VFS writes less than
// 128 KiB per call, and a batch's frames are often more.
// The default VFS's xWrite takes less than 128 KiB per call.
constexpr size_t kBaseWriteMax = 64 * 1024;

// Over the default VFS the gathered bytes go to the file in one pwrite on
// this VFS's own descriptor. Over another VFS (a test's fault-injecting
// one) they go through its xWrite, in pieces it accepts, so that it sees
// every byte of the WAL.
int Flush(WalState& state) {
  if (state.pending.empty()) return SQLITE_OK;
  writes_issued.fetch_add(1, std::memory_order_relaxed);
  const char* data = state.pending.data();
  size_t left = state.pending.size();
  off_t offset = state.pending_offset;
  int rc = SQLITE_OK;
  while (left > 0 && rc == SQLITE_OK) {
    if (state.write_through_base) {
      size_t piece = std::min(left, kBaseWriteMax);
      rc = state.real->pMethods->xWrite(state.real, data, static_cast<int>(piece), offset);
      data += piece;
      left -= piece;
      offset += static_cast<off_t>(piece);
      continue;
    }
    ssize_t wrote = ::pwrite(state.fd, data, left, offset);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      rc = wrote < 0 && errno != ENOSPC ? SQLITE_IOERR_WRITE : SQLITE_FULL;
      break;
    }
    data += wrote;
    left -= static_cast<size_t>(wrote);
    offset += wrote;
  }
  state.pending.clear();
  return rc;
}

int Close(sqlite3_file* file) {
  WalState* state = &State(file);
  int flushed = Flush(*state);
  int closed = state->real->pMethods->xClose(state->real);
  if (state->fd >= 0) ::close(state->fd);
  delete state;
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  WalState& state = State(file);
  if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  return state.real->pMethods->xRead(state.real, buffer, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalState& state = State(file);
  writes_asked.fetch_add(1, std::memory_order_relaxed);
  if (offset == 0) state.header_written = true;
  if (state.fd < 0) return state.real->pMethods->xWrite(state.real, data, amount, offset);
  auto pending_end = state.pending_offset + static_cast<sqlite3_int64>(state.pending.size());
  if (!state.pending.empty() && offset != pending_end) {
    if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  }
  if (state.pending.empty()) state.pending_offset = offset;
  state.pending.append(static_cast<const char*>(data), static_cast<size_t>(amount));
  return state.pending.size() >= kPendingMax ? Flush(state) : SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  WalState& state = State(file);
  if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  return state.real->pMethods->xTruncate(state.real, size);
}

int Sync(sqlite3_file* file, int flags) {
  WalState& state = State(file);
  if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  DeferredSyncScope* scope = current_scope;
  if (scope != nullptr && state.synced_once && !state.header_written && state.fd >= 0) {
    WalFileAccess::Defer(*scope, state.fd);
    syncs_deferred.fetch_add(1, std::memory_order_relaxed);
    return SQLITE_OK;
  }
  syncs_waited.fetch_add(1, std::memory_order_relaxed);
  int rc = state.real->pMethods->xSync(state.real, flags);
  if (rc == SQLITE_OK) {
    state.synced_once = true;
    state.header_written = false;
  }
  return rc;
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  WalState& state = State(file);
  if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  return state.real->pMethods->xFileSize(state.real, size);
}

int Lock(sqlite3_file* file, int level) {
  sqlite3_file* real = State(file).real;
  return real->pMethods->xLock(real, level);
}

int Unlock(sqlite3_file* file, int level) {
  sqlite3_file* real = State(file).real;
  return real->pMethods->xUnlock(real, level);
}

int CheckReservedLock(sqlite3_file* file, int* reserved) {
  sqlite3_file* real = State(file).real;
  return real->pMethods->xCheckReservedLock(real, reserved);
}

int FileControl(sqlite3_file* file, int op, void* argument) {
  WalState& state = State(file);
  if (int rc = Flush(state); rc != SQLITE_OK) return rc;
  return state.real->pMethods->xFileControl(state.real, op, argument);
}

int SectorSize(sqlite3_file* file) {
  sqlite3_file* real = State(file).real;
  return real->pMethods->xSectorSize(real);
}

int DeviceCharacteristics(sqlite3_file* file) {
  sqlite3_file* real = State(file).real;
  return real->pMethods->xDeviceCharacteristics(real);
}

// Version 1: a WAL file has no shared memory and is never memory-mapped.
const sqlite3_io_methods kWalMethods = {1,
                                        Close,
                                        Read,
                                        Write,
                                        Truncate,
                                        Sync,
                                        FileSize,
                                        Lock,
                                        Unlock,
                                        CheckReservedLock,
                                        FileControl,
                                        SectorSize,
                                        DeviceCharacteristics};

sqlite3_vfs* Base(sqlite3_vfs* vfs) {
  return static_cast<sqlite3_vfs*>(vfs->pAppData);
}

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = Base(vfs);
  if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out_flags);
  auto* wal = reinterpret_cast<WalFile*>(file);
  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  wal->base.pMethods = nullptr;  // SQLite closes nothing if the open fails
  real->pMethods = nullptr;
  int rc = base->xOpen(base, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    return rc;
  }
  // Without a second descriptor (a read-only WAL, say) writes and syncs
  // simply go to the default VFS as they come.
  int fd = -1;
  if (out_flags == nullptr || (*out_flags & SQLITE_OPEN_READONLY) == 0) {
    fd = ::open(name, O_RDWR | O_CLOEXEC);
  }
  wal->state = new WalState{
      .real = real, .fd = fd, .write_through_base = base != sqlite3_vfs_find(nullptr)};
  wal->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

// The rest is the default VFS's, called with its own handle.
sqlite3_vfs MakeVfs(sqlite3_vfs* base, const char* name) {
  sqlite3_vfs vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(kRealOffset) + base->szOsFile;
  vfs.mxPathname = base->mxPathname;
  vfs.zName = name;
  vfs.pAppData = base;
  vfs.xOpen = Open;
  vfs.xDelete = [](sqlite3_vfs* v, const char* name, int sync_dir) {
    return Base(v)->xDelete(Base(v), name, sync_dir);
  };
  vfs.xAccess = [](sqlite3_vfs* v, const char* name, int flags, int* result) {
    return Base(v)->xAccess(Base(v), name, flags, result);
  };
  vfs.xFullPathname = [](sqlite3_vfs* v, const char* name, int size, char* out) {
    return Base(v)->xFullPathname(Base(v), name, size, out);
  };
  vfs.xDlOpen = [](sqlite3_vfs* v, const char* name) { return Base(v)->xDlOpen(Base(v), name); };
  vfs.xDlError = [](sqlite3_vfs* v, int size, char* out) { Base(v)->xDlError(Base(v), size, out); };
  vfs.xDlSym = [](sqlite3_vfs* v, void* handle, const char* symbol) {
    return Base(v)->xDlSym(Base(v), handle, symbol);
  };
  vfs.xDlClose = [](sqlite3_vfs* v, void* handle) { Base(v)->xDlClose(Base(v), handle); };
  vfs.xRandomness = [](sqlite3_vfs* v, int size, char* out) {
    return Base(v)->xRandomness(Base(v), size, out);
  };
  vfs.xSleep = [](sqlite3_vfs* v, int micros) { return Base(v)->xSleep(Base(v), micros); };
  vfs.xCurrentTime = [](sqlite3_vfs* v, double* now) {
    return Base(v)->xCurrentTime(Base(v), now);
  };
  vfs.xGetLastError = [](sqlite3_vfs* v, int size, char* out) {
    return Base(v)->xGetLastError(Base(v), size, out);
  };
  vfs.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* now) {
    return Base(v)->xCurrentTimeInt64(Base(v), now);
  };
  return vfs;
}

}  // namespace

const char* WalVfsName(const char* base) {
  if (base == nullptr) {
    static sqlite3_vfs vfs = MakeVfs(sqlite3_vfs_find(nullptr), "mnad-wal");
    static const bool registered = sqlite3_vfs_register(&vfs, /*makeDflt=*/0) == SQLITE_OK;
    return registered ? vfs.zName : nullptr;
  }
  // One registration per base, kept for the life of the process.
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, sqlite3_vfs>> over;
  std::lock_guard lock(mutex);
  auto found = over.find(base);
  if (found != over.end()) return found->second.second.zName;
  sqlite3_vfs* base_vfs = sqlite3_vfs_find(base);
  if (base_vfs == nullptr) return nullptr;
  auto& [name, vfs] = over[base];
  name = std::string("mnad-wal+") + base;
  vfs = MakeVfs(base_vfs, name.c_str());
  if (sqlite3_vfs_register(&vfs, /*makeDflt=*/0) != SQLITE_OK) return nullptr;
  return vfs.zName;
}

WalVfsCounts GetWalVfsCounts() {
  return {
      writes_asked.load(std::memory_order_relaxed), writes_issued.load(std::memory_order_relaxed),
      syncs_waited.load(std::memory_order_relaxed), syncs_deferred.load(std::memory_order_relaxed)};
}

DeferredSyncScope::DeferredSyncScope() {
  current_scope = this;
}
DeferredSyncScope::~DeferredSyncScope() {
  current_scope = nullptr;
}

}  // namespace mnad::store::sqlite
