// A SQLite VFS over the default one ("unix") that changes how the
// write-ahead log is written, and nothing else:
//
// - Coalesced writes. SQLite writes a commit's frames with two write calls
//   per page (the frame header, then the page). This VFS gathers contiguous
//   writes to a WAL file and hands them to the file in one write when the
//   commit syncs, or before anything reads, sizes or truncates the file.
//   Other connections read a frame only after the commit that wrote it has
//   synced, so they never miss one.
// - Deferred commit syncs. While a DeferredSyncScope is alive on a thread,
//   the sync that ends a commit on that thread writes the frames but does
//   not wait for the disk: the scope records the file, and its owner must
//   fdatasync it before telling anyone the commit is durable. The writer
//   thread uses this to start its next batch while the last one's fsync
//   runs on another thread. Syncs that keep the database consistent across
//   a power loss stay synchronous: the WAL's first sync (it also syncs the
//   directory), the sync after a new WAL header, and every checkpoint's.
//
// Every other file (the database, its shared-memory index, temporary
// files) is the default VFS's, untouched.
// Thread-safe: yes; a file handle belongs to one connection, as in SQLite.
#pragma once

#include <cstdint>

namespace mnad::store::sqlite {

// The VFS's name for sqlite3_open_v2; registered on the first call. Over
// the default VFS, or over the registered VFS `base` (a test's fault
// injecting VFS); nullptr when `base` is not registered.
const char* WalVfsName(const char* base = nullptr);

// Process-wide counts since start, for tests: calls SQLite made, and what
// reached the operating system.
struct WalVfsCounts {
  uint64_t writes_asked = 0;    // WAL writes SQLite asked for
  uint64_t writes_issued = 0;   // WAL writes passed to the file
  uint64_t syncs_waited = 0;    // WAL syncs that waited for the disk
  uint64_t syncs_deferred = 0;  // WAL syncs left to a DeferredSyncScope
};
WalVfsCounts GetWalVfsCounts();

// While alive, the WAL commit syncs of this thread's connections are left to
// the scope's owner. Scopes do not nest.
class DeferredSyncScope {
 public:
  DeferredSyncScope();
  ~DeferredSyncScope();
  DeferredSyncScope(const DeferredSyncScope&) = delete;
  DeferredSyncScope& operator=(const DeferredSyncScope&) = delete;

  // A descriptor of the WAL whose sync was deferred, to fdatasync before the
  // commit counts as durable; -1 when no sync was deferred. It stays open
  // for as long as the connection that wrote the WAL.
  int wal_fd() const { return wal_fd_; }

 private:
  friend struct WalFileAccess;
  int wal_fd_ = -1;
};

}  // namespace mnad::store::sqlite
