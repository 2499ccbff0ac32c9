// Tests only: a file system that can lose power. A SQLite VFS over the
// default one that passes every call through and records, for the main
// database file and its WAL, what was written and what was made durable:
// an xSync, the store's deferred fdatasync of the WAL (SyncFd, through
// FaultInjection::sync_wal), and the directory sync that SQLite's unix VFS
// makes on a new WAL's first sync. At a power cut (the Nth recorded
// operation, or now) it fixes the disk image that moment could leave:
//
// - kDropUnsynced: every synced byte, nothing else; a file whose directory
//   entry was never synced is gone.
// - kAdversarial: every synced byte, then each unsynced write in order kept
//   whole, dropped, or kept in a random subset of its 512-byte sectors, the
//   write in flight torn; a file whose entry was never synced is gone or
//   kept at random.
//
// After the store is closed, RestoreCut() rewrites the files as the cut left
// them (and removes the shared-memory index, which a reboot does not keep),
// ready to be opened again.
//
// Simplification: a deleted file stays deleted (SQLite deletes only the WAL,
// at the last connection's close, after a checkpoint it synced).
// Thread-safe: yes; every record is taken under one mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace mnad::store::sqlite {

class FaultFs {
 public:
  enum class Mode { kDropUnsynced, kAdversarial };

  // Registers a VFS of a name unique to this object; `seed` drives the
  // adversarial choices.
  explicit FaultFs(uint64_t seed);
  ~FaultFs();
  FaultFs(const FaultFs&) = delete;
  FaultFs& operator=(const FaultFs&) = delete;

  const std::string& vfs_name() const { return name_; }

  // The deferred fdatasync of a WAL descriptor: syncs it, then counts every
  // write that had completed before the call began as durable.
  int SyncFd(int fd);

  // Cuts the power when the `operation`th recorded operation (a write,
  // truncate or sync of a tracked file) begins; 0: never.
  void CutAtOperation(uint64_t operation, Mode mode);
  // Cuts the power now, unless it was cut already.
  void CutNow(Mode mode);
  bool cut() const { return cut_.load(std::memory_order_acquire); }
  uint64_t operations() const;
  // What was in progress at the cut: "WAL frames", "WAL header", "WAL
  // sync", "WAL deferred sync", "database write (checkpoint)", ...
  std::string cut_during() const;

  // Rewrites the tracked files as the cut left them. Call once the store is
  // closed. False (with `error`) if a file cannot be written.
  bool RestoreCut(std::string* error);

 private:
  struct Operation {
    uint64_t sequence = 0;
    bool truncate = false;
    int64_t offset = 0;  // the new size, for a truncate
    std::string data;
  };
  struct FileState {
    std::string durable;  // what the disk holds for sure
    std::vector<Operation> pending;  // since the last sync, in order
    bool entry_durable = false;      // the directory entry survives a cut
    bool wal = false;
  };
  struct Image {
    std::string content;
    bool exists = true;
  };
  struct File;
  friend struct FaultFsAccess;

  // A tracked operation begins: counted, and the power is cut first when it
  // is the chosen one (`in_flight`: the write under way, for a torn write).
  void BeginOperation(const std::string& path, const Operation* in_flight, const char* what);
  // A write or truncate completed: it is unsynced until a sync that begins
  // after it.
  void Record(const std::string& path, Operation operation);
  // A sync that began when the sequence was `before_sequence` returned.
  void Synced(const std::string& path, uint64_t before_sequence, bool directory_too);
  uint64_t CurrentSequence();
  void Opened(const std::string& path, bool existed, bool wal);
  void Deleted(const std::string& path);
  void TakeCut(const Operation* in_flight, const std::string& in_flight_path);
  static void Apply(std::string& content, const Operation& operation);

  std::string name_;
  sqlite3_vfs vfs_{};
  mutable std::mutex mutex_;
  std::map<std::string, FileState> files_;
  uint64_t sequence_ = 0;
  uint64_t operations_ = 0;
  uint64_t cut_at_ = 0;
  Mode mode_ = Mode::kDropUnsynced;
  std::atomic<bool> cut_{false};
  std::string cut_during_;
  std::map<std::string, Image> images_;
  std::set<std::string> created_after_cut_;
  std::mt19937_64 random_;
};

}  // namespace mnad::store::sqlite
