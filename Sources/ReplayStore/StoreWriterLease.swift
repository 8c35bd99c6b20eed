/// One open store's share of its process's writer lock (see `StoreWriterLock`): the lock is released
/// when the last share of it goes away.
final class StoreWriterLease {
    private let key: StoreWriterLock.Key

    init(key: StoreWriterLock.Key) {
        self.key = key
    }

    deinit { StoreWriterLock.release(key) }
}
