internal import CLMDB

/// A live LMDB transaction. It never outlives the closure (or session) that created it; any
/// buffer it returns points into the memory map and is valid only while the transaction is.
struct LMDBTransaction {
    let handle: OpaquePointer

    /// The id of the committed transaction this snapshot reads (`mdb_txn_id`).
    var id: UInt64 { UInt64(mdb_txn_id(handle)) }

    /// The value under `key`, or nil when absent. Valid until the transaction ends.
    func get(_ database: LMDBDatabase, key: UInt64) throws -> UnsafeRawBufferPointer? {
        var bigEndian = key.bigEndian
        return try withUnsafeMutableBytes(of: &bigEndian) { keyBytes in
            try get(database, keyBytes: UnsafeRawBufferPointer(keyBytes))
        }
    }

    /// Named keys are static strings, so looking one up allocates nothing.
    func get(_ database: LMDBDatabase, key: StaticString) throws -> UnsafeRawBufferPointer? {
        try get(database, keyBytes: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    private func get(_ database: LMDBDatabase, keyBytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
        var value = MDB_val()
        let code = mdb_get(handle, database.handle, &keyValue, &value)
        if code == LMDBReturnCode.notFound.rawValue { return nil }
        try check(code, "mdb_get")
        return UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
    }

    func put(_ database: LMDBDatabase, key: UInt64, value: UnsafeRawBufferPointer) throws {
        var bigEndian = key.bigEndian
        try withUnsafeMutableBytes(of: &bigEndian) { keyBytes in
            try put(database, keyBytes: UnsafeRawBufferPointer(keyBytes), value: value, describing: "chunk key \(key)")
        }
    }

    func put(_ database: LMDBDatabase, key: StaticString, value: UnsafeRawBufferPointer) throws {
        try put(database, keyBytes: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount), value: value, describing: "\(key)")
    }

    private func put(_ database: LMDBDatabase, keyBytes: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, describing: String) throws {
        var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
        var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(handle, database.handle, &keyValue, &dataValue, 0), "mdb_put(\(describing))")
    }

    func delete(_ database: LMDBDatabase, key: UInt64) throws {
        var bigEndian = key.bigEndian
        try withUnsafeMutableBytes(of: &bigEndian) { keyBytes in
            var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: keyBytes.baseAddress)
            try check(mdb_del(handle, database.handle, &keyValue, nil), "mdb_del(chunk key \(key))")
        }
    }

    /// Deletes every entry of `database`, keeping the database (`mdb_drop` with `del` 0).
    func empty(_ database: LMDBDatabase) throws {
        try check(mdb_drop(handle, database.handle, 0), "mdb_drop(database \(database.handle))")
    }

    /// Calls `body` with every (key, value) of `database` in key order, keys read as big-endian UInt64.
    /// Stops early when `body` returns false.
    func forEach(_ database: LMDBDatabase, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var keyValue = MDB_val()
        var dataValue = MDB_val()
        var code = mdb_cursor_get(cursor, &keyValue, &dataValue, MDB_FIRST)
        while code == 0 {
            let keyBytes = UnsafeRawBufferPointer(start: keyValue.mv_data, count: keyValue.mv_size)
            guard keyBytes.count == 8 else {
                throw ReplayStoreError.corruptStore(reason: "a key of \(keyBytes.count) bytes where 8 were expected")
            }
            let key = keyBytes.loadUnaligned(as: UInt64.self).bigEndian
            if try !body(key, UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size)) { return }
            code = mdb_cursor_get(cursor, &keyValue, &dataValue, MDB_NEXT)
        }
        if code != LMDBReturnCode.notFound.rawValue { try check(code, "mdb_cursor_get") }
    }

    /// Calls `body` with every raw (key, value) of `database` in key order, whatever the key's size;
    /// returns how many there were. For walking every page of a B-tree (`ReplayStore.verify`).
    @discardableResult
    func walk(_ database: LMDBDatabase, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void = { _, _ in }) throws -> Int {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open(database \(database.handle))")
        defer { mdb_cursor_close(cursor) }
        var keyValue = MDB_val()
        var dataValue = MDB_val()
        var count = 0
        var code = mdb_cursor_get(cursor, &keyValue, &dataValue, MDB_FIRST)
        while code == 0 {
            try body(UnsafeRawBufferPointer(start: keyValue.mv_data, count: keyValue.mv_size),
                     UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size))
            count += 1
            code = mdb_cursor_get(cursor, &keyValue, &dataValue, MDB_NEXT)
        }
        if code != LMDBReturnCode.notFound.rawValue { try check(code, "mdb_cursor_get(database \(database.handle))") }
        return count
    }

    /// Looks `key` up from the root (`MDB_SET_KEY` on a fresh cursor, so it works on the free-page list
    /// too) and tells whether the search lands on exactly `value`, the same bytes in the map. A damaged
    /// key in a branch page leaves a cursor walk intact but sends searches to the wrong leaf.
    func lookupFinds(_ database: LMDBDatabase, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws -> Bool {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open(database \(database.handle))")
        defer { mdb_cursor_close(cursor) }
        var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var dataValue = MDB_val()
        let code = mdb_cursor_get(cursor, &keyValue, &dataValue, MDB_SET_KEY)
        if code == LMDBReturnCode.notFound.rawValue { return false }
        try check(code, "mdb_cursor_get(MDB_SET_KEY, database \(database.handle))")
        return dataValue.mv_data == UnsafeMutableRawPointer(mutating: value.baseAddress) && dataValue.mv_size == value.count
    }

    /// Number of entries in `database`.
    func entryCount(_ database: LMDBDatabase) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.handle, &stat), "mdb_stat")
        return stat.ms_entries
    }
}
