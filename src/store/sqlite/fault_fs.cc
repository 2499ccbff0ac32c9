#include "store/sqlite/fault_fs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace mnad::store::sqlite {
namespace {

constexpr size_t kSectorBytes = 512;

std::string Canonical(const std::string& path) {
  std::error_code ignored;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ignored);
  return canonical.empty() ? path : canonical.string();
}

std::string ReadWhole(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

std::atomic<int> instances{0};
std::mutex registry_mutex;

}  // namespace

// The C callbacks of the VFS and its files reach the object through this.
struct FaultFsAccess {
  struct File {
    sqlite3_file base;
    sqlite3_file* real;
    FaultFs* fs;
    std::string* path;  // nullptr: not tracked
    bool wal;
    bool directory_sync_due;  // the unix VFS syncs the directory on a new WAL's first sync
  };
  static constexpr size_t kRealOffset = (sizeof(File) + 7) & ~size_t{7};

  static FaultFs* Fs(sqlite3_vfs* vfs) { return static_cast<FaultFs*>(vfs->pAppData); }
  static sqlite3_vfs* Base() { return sqlite3_vfs_find("unix"); }
  static File& Of(sqlite3_file* file) { return *reinterpret_cast<File*>(file); }
  static sqlite3_file* Real(sqlite3_file* file) { return Of(file).real; }

  static const char* WriteKind(const File& file, int64_t offset) {
    if (!file.wal) return "database write (checkpoint)";
    return offset == 0 ? "WAL header (a WAL restart)" : "WAL frames (a commit)";
  }

  static int Close(sqlite3_file* file) {
    File& f = Of(file);
    int rc = f.real->pMethods->xClose(f.real);
    delete f.path;
    return rc;
  }
  static int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    return Real(file)->pMethods->xRead(Real(file), buffer, amount, offset);
  }
  static int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    File& f = Of(file);
    if (f.path == nullptr) return f.real->pMethods->xWrite(f.real, data, amount, offset);
    FaultFs::Operation operation{.offset = offset,
                                 .data = std::string(static_cast<const char*>(data), amount)};
    f.fs->BeginOperation(*f.path, &operation, WriteKind(f, offset));
    int rc = f.real->pMethods->xWrite(f.real, data, amount, offset);
    if (rc == SQLITE_OK) f.fs->Record(*f.path, std::move(operation));
    return rc;
  }
  static int Truncate(sqlite3_file* file, sqlite3_int64 size) {
    File& f = Of(file);
    if (f.path == nullptr) return f.real->pMethods->xTruncate(f.real, size);
    FaultFs::Operation operation{.truncate = true, .offset = size};
    f.fs->BeginOperation(*f.path, nullptr, f.wal ? "WAL truncate" : "database truncate");
    int rc = f.real->pMethods->xTruncate(f.real, size);
    if (rc == SQLITE_OK) f.fs->Record(*f.path, std::move(operation));
    return rc;
  }
  static int Sync(sqlite3_file* file, int flags) {
    File& f = Of(file);
    if (f.path == nullptr) return f.real->pMethods->xSync(f.real, flags);
    f.fs->BeginOperation(*f.path, nullptr, f.wal ? "WAL sync" : "database sync (checkpoint)");
    uint64_t before = f.fs->CurrentSequence();
    int rc = f.real->pMethods->xSync(f.real, flags);
    if (rc == SQLITE_OK) {
      f.fs->Synced(*f.path, before, f.directory_sync_due);
      f.directory_sync_due = false;
    }
    return rc;
  }
  static int FileSize(sqlite3_file* file, sqlite3_int64* size) {
    return Real(file)->pMethods->xFileSize(Real(file), size);
  }
  static int Lock(sqlite3_file* file, int level) {
    return Real(file)->pMethods->xLock(Real(file), level);
  }
  static int Unlock(sqlite3_file* file, int level) {
    return Real(file)->pMethods->xUnlock(Real(file), level);
  }
  static int CheckReservedLock(sqlite3_file* file, int* reserved) {
    return Real(file)->pMethods->xCheckReservedLock(Real(file), reserved);
  }
  static int FileControl(sqlite3_file* file, int op, void* argument) {
    return Real(file)->pMethods->xFileControl(Real(file), op, argument);
  }
  static int SectorSize(sqlite3_file* file) {
    return Real(file)->pMethods->xSectorSize(Real(file));
  }
  static int DeviceCharacteristics(sqlite3_file* file) {
    return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
  }
  static int ShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    return Real(file)->pMethods->xShmMap(Real(file), page, size, extend, out);
  }
  static int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
    return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
  static int ShmUnmap(sqlite3_file* file, int delete_flag) {
    return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
  }
  static int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
  }
  static int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer) {
    return Real(file)->pMethods->xUnfetch(Real(file), offset, pointer);
  }

  static constexpr sqlite3_io_methods kMethods = {
      3,        Close,           Read,         Write,    Truncate,   Sync,     FileSize, Lock,
      Unlock,   CheckReservedLock, FileControl, SectorSize, DeviceCharacteristics, ShmMap, ShmLock,
      ShmBarrier, ShmUnmap,      Fetch,        Unfetch};

  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
                  int* out_flags) {
    sqlite3_vfs* base = Base();
    File& f = Of(file);
    auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
    f.base.pMethods = nullptr;
    real->pMethods = nullptr;
    bool tracked = name != nullptr && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
    int existed = 0;
    if (tracked) base->xAccess(base, name, SQLITE_ACCESS_EXISTS, &existed);
    int rc = base->xOpen(base, name, real, flags, out_flags);
    if (rc != SQLITE_OK) {
      if (real->pMethods != nullptr) real->pMethods->xClose(real);
      return rc;
    }
    f.real = real;
    f.fs = Fs(vfs);
    f.wal = (flags & SQLITE_OPEN_WAL) != 0;
    f.directory_sync_due = f.wal;
    f.path = tracked ? new std::string(Canonical(name)) : nullptr;
    if (tracked) f.fs->Opened(*f.path, existed != 0, f.wal);
    f.base.pMethods = &kMethods;
    return SQLITE_OK;
  }

  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_directory) {
    sqlite3_vfs* base = Base();
    int rc = base->xDelete(base, name, sync_directory);
    if (rc == SQLITE_OK) Fs(vfs)->Deleted(Canonical(name));
    return rc;
  }
};

FaultFs::FaultFs(uint64_t seed) : random_(seed) {
  name_ = "mnad-fault-" + std::to_string(instances.fetch_add(1));
  sqlite3_vfs* base = FaultFsAccess::Base();
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(FaultFsAccess::kRealOffset) + base->szOsFile;
  vfs_.mxPathname = base->mxPathname;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = FaultFsAccess::Open;
  vfs_.xDelete = FaultFsAccess::Delete;
  vfs_.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* result) {
    return FaultFsAccess::Base()->xAccess(FaultFsAccess::Base(), name, flags, result);
  };
  vfs_.xFullPathname = [](sqlite3_vfs*, const char* name, int size, char* out) {
    return FaultFsAccess::Base()->xFullPathname(FaultFsAccess::Base(), name, size, out);
  };
  vfs_.xDlOpen = [](sqlite3_vfs*, const char* name) {
    return FaultFsAccess::Base()->xDlOpen(FaultFsAccess::Base(), name);
  };
  vfs_.xDlError = [](sqlite3_vfs*, int size, char* out) {
    FaultFsAccess::Base()->xDlError(FaultFsAccess::Base(), size, out);
  };
  vfs_.xDlSym = [](sqlite3_vfs*, void* handle, const char* symbol) {
    return FaultFsAccess::Base()->xDlSym(FaultFsAccess::Base(), handle, symbol);
  };
  vfs_.xDlClose = [](sqlite3_vfs*, void* handle) {
    FaultFsAccess::Base()->xDlClose(FaultFsAccess::Base(), handle);
  };
  vfs_.xRandomness = [](sqlite3_vfs*, int size, char* out) {
    return FaultFsAccess::Base()->xRandomness(FaultFsAccess::Base(), size, out);
  };
  vfs_.xSleep = [](sqlite3_vfs*, int micros) {
    return FaultFsAccess::Base()->xSleep(FaultFsAccess::Base(), micros);
  };
  vfs_.xCurrentTime = [](sqlite3_vfs*, double* now) {
    return FaultFsAccess::Base()->xCurrentTime(FaultFsAccess::Base(), now);
  };
  vfs_.xGetLastError = [](sqlite3_vfs*, int size, char* out) {
    return FaultFsAccess::Base()->xGetLastError(FaultFsAccess::Base(), size, out);
  };
  vfs_.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* now) {
    return FaultFsAccess::Base()->xCurrentTimeInt64(FaultFsAccess::Base(), now);
  };
  std::lock_guard lock(registry_mutex);
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/0);
}

FaultFs::~FaultFs() {
  std::lock_guard lock(registry_mutex);
  sqlite3_vfs_unregister(&vfs_);
}

uint64_t FaultFs::CurrentSequence() {
  std::lock_guard lock(mutex_);
  return sequence_;
}

uint64_t FaultFs::operations() const {
  std::lock_guard lock(mutex_);
  return operations_;
}

std::string FaultFs::cut_during() const {
  std::lock_guard lock(mutex_);
  return cut_during_;
}

void FaultFs::Opened(const std::string& path, bool existed, bool wal) {
  std::lock_guard lock(mutex_);
  if (cut_) {
    if (!images_.contains(path)) created_after_cut_.insert(path);
    return;
  }
  if (files_.contains(path)) return;
  FileState& state = files_[path];
  state.wal = wal;
  if (existed) {
    state.durable = ReadWhole(path);
    state.entry_durable = true;
  }
}

void FaultFs::Deleted(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (!cut_) files_.erase(path);
}

void FaultFs::BeginOperation(const std::string& path, const Operation* in_flight,
                             const char* what) {
  std::lock_guard lock(mutex_);
  if (cut_) return;
  ++operations_;
  if (operations_ == cut_at_) {
    cut_during_ = what;
    TakeCut(in_flight, path);
  }
}

void FaultFs::Record(const std::string& path, Operation operation) {
  std::lock_guard lock(mutex_);
  if (cut_) return;
  auto found = files_.find(path);
  if (found == files_.end()) return;
  operation.sequence = ++sequence_;
  found->second.pending.push_back(std::move(operation));
}

void FaultFs::Synced(const std::string& path, uint64_t before_sequence, bool directory_too) {
  std::lock_guard lock(mutex_);
  if (cut_) return;
  auto found = files_.find(path);
  if (found == files_.end()) return;
  FileState& state = found->second;
  size_t applied = 0;
  while (applied < state.pending.size() && state.pending[applied].sequence <= before_sequence) {
    Apply(state.durable, state.pending[applied]);
    ++applied;
  }
  state.pending.erase(state.pending.begin(), state.pending.begin() + applied);
  state.entry_durable = state.entry_durable || directory_too;
  if (directory_too) {
    // A directory sync makes every entry of the directory durable.
    for (auto& [other, other_state] : files_) other_state.entry_durable = true;
  }
}

int FaultFs::SyncFd(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  std::error_code error;
  std::string path = Canonical(std::filesystem::read_symlink(link, error).string());
  BeginOperation(path, nullptr, "WAL deferred sync (between COMMIT and the reply)");
  uint64_t before = CurrentSequence();
  int rc = ::fdatasync(fd);
  if (rc == 0) Synced(path, before, /*directory_too=*/false);
  return rc;
}

void FaultFs::CutAtOperation(uint64_t operation, Mode mode) {
  std::lock_guard lock(mutex_);
  cut_at_ = operation;
  mode_ = mode;
}

void FaultFs::CutNow(Mode mode) {
  std::lock_guard lock(mutex_);
  if (cut_) return;
  mode_ = mode;
  cut_during_ = "idle (after the workload)";
  TakeCut(nullptr, "");
}

void FaultFs::Apply(std::string& content, const Operation& operation) {
  if (operation.truncate) {
    content.resize(static_cast<size_t>(operation.offset));
    return;
  }
  size_t end = static_cast<size_t>(operation.offset) + operation.data.size();
  if (content.size() < end) content.resize(end);
  content.replace(static_cast<size_t>(operation.offset), operation.data.size(), operation.data);
}

// Called with the mutex held.
void FaultFs::TakeCut(const Operation* in_flight, const std::string& in_flight_path) {
  images_.clear();
  for (const auto& [path, state] : files_) {
    Image image{.content = state.durable, .exists = state.entry_durable};
    if (mode_ == Mode::kAdversarial) {
      std::vector<const Operation*> unsynced;
      for (const Operation& operation : state.pending) unsynced.push_back(&operation);
      bool torn_last = in_flight != nullptr && path == in_flight_path;
      if (torn_last) unsynced.push_back(in_flight);
      for (size_t i = 0; i < unsynced.size(); ++i) {
        const Operation& operation = *unsynced[i];
        uint64_t choice = random_() % 100;
        bool last = torn_last && i + 1 == unsynced.size();
        if (operation.truncate) {
          if (choice < 50) Apply(image.content, operation);
          continue;
        }
        if (!last && choice < 40) continue;         // dropped
        if (!last && choice < 80) {                 // kept whole
          Apply(image.content, operation);
          continue;
        }
        // Some of its sectors; the write in flight is torn after a random
        // number of them, within a sector.
        size_t length = operation.data.size();
        size_t torn_at = last ? static_cast<size_t>(random_() % (length + 1)) : length;
        for (size_t at = 0; at < torn_at; at += kSectorBytes) {
          if (!last && random_() % 2 == 0) continue;
          size_t piece = std::min(kSectorBytes, torn_at - at);
          Apply(image.content, Operation{.offset = operation.offset + static_cast<int64_t>(at),
                                         .data = operation.data.substr(at, piece)});
        }
      }
      if (!image.exists) image.exists = random_() % 2 == 0;
    }
    images_[path] = std::move(image);
  }
  cut_.store(true, std::memory_order_release);
}

bool FaultFs::RestoreCut(std::string* error) {
  std::lock_guard lock(mutex_);
  if (!cut_) {
    *error = "the power was never cut";
    return false;
  }
  std::error_code ignored;
  for (const std::string& path : created_after_cut_) std::filesystem::remove(path, ignored);
  for (const auto& [path, image] : images_) {
    std::filesystem::remove(path + "-shm", ignored);
    if (!image.exists) {
      std::filesystem::remove(path, ignored);
      continue;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(image.content.data(), static_cast<std::streamsize>(image.content.size()));
    if (!file) {
      *error = "cannot write " + path;
      return false;
    }
  }
  return true;
}

}  // namespace mnad::store::sqlite
