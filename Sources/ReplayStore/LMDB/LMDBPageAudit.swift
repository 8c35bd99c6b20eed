import Foundation

/// An audit of `data.mdb` read straight from the file with `pread`, never through LMDB's own code, so a
/// damaged page is named instead of crashing the process (LMDB has no page checksums and trusts every
/// page it reads). `ReplayStore.verify` runs it first, inside a read transaction, so LMDB keeps every
/// page of that snapshot in place while it reads.
///
/// From the meta page of the snapshot it walks every B-tree (LMDB's free-page list, its main database and
/// every named database the main one records) and checks
/// - every page header: its own page number, a branch, leaf or overflow page, a pointer array inside the page;
/// - every node: inside its page, keys in strictly increasing order and within the range the parent branch
///   gives them, child and overflow page numbers inside the file;
/// - every tree against LMDB's record of it: depth, branch, leaf and overflow pages, entries;
/// - that every page after the two meta pages is either in exactly one tree once, or free.
///
/// Layouts (LMDB 0.9.x, 64-bit, little-endian; checked against files written by liblmdb 0.9.24):
/// page header = u64 page number, u16 pad, u16 flags, u16 lower, u16 upper (or u32 page count of an
/// overflow run), then u16 node offsets; node = u16 lo, u16 hi, u16 flags, u16 key size, key, data
/// (a branch node's child is lo | hi << 16 | flags << 32; a leaf node's data size is lo | hi << 16);
/// `MDB_db` = u32 pad, u16 flags, u16 depth, u64 branch, leaf and overflow pages, u64 entries, u64 root.
final class LMDBPageAudit {
    private static let branchPage: UInt16 = 0x01
    private static let leafPage: UInt16 = 0x02
    private static let overflowPage: UInt16 = 0x04
    /// Flags LMDB may leave on a written page besides its kind (`P_DIRTY`, `P_KEEP`).
    private static let transientFlags: UInt16 = 0x10 | 0x8000
    fileprivate static let bigDataNode: UInt16 = 0x01
    fileprivate static let subDatabaseNode: UInt16 = 0x02
    private static let integerKeys: UInt16 = 0x08
    private static let headerBytes = 16
    private static let nodeHeaderBytes = 8
    private static let databaseRecordBytes = 48
    /// LMDB's cursor stack depth: no tree is deeper.
    private static let maximumDepth = 32
    private static let noPage = UInt64.max

    /// One B-tree as a `MDB_db` record describes it.
    private struct Tree {
        var name: String
        var flags: UInt16
        var depth: Int
        var branchPages: UInt64
        var leafPages: UInt64
        var overflowPages: UInt64
        var entries: UInt64
        var root: UInt64
        /// Leaf-node flags this tree may hold: named-database records in the main database, values on
        /// overflow pages elsewhere. No database of a store is `MDB_DUPSORT`, so `F_DUPDATA` is damage.
        var leafNodeFlags: UInt16

        init(name: String, record: UnsafeRawBufferPointer, leafNodeFlags: UInt16 = LMDBPageAudit.bigDataNode) {
            self.leafNodeFlags = leafNodeFlags
            func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            self.name = name
            flags = UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
            depth = Int(UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
            branchPages = u64(8); leafPages = u64(16); overflowPages = u64(24); entries = u64(32); root = u64(40)
        }
    }

    /// What a walk counted, to compare with the tree's record.
    private struct Census {
        var branchPages: UInt64 = 0
        var leafPages: UInt64 = 0
        var overflowPages: UInt64 = 0
        var entries: UInt64 = 0
        var leafDepth: Int?
    }

    /// Ends the audit at the first problem.
    private struct Finding: Error {
        let text: String
    }

    private let directory: String
    private let descriptor: Int32
    private var pageSize = 0
    private var lastPage: UInt64 = 0
    /// One bit per page: already reached through a tree or listed free.
    private var seen: [UInt64] = []
    /// Page numbers the free-page list holds.
    private var freePages: [UInt64] = []

    init(directory: String) throws {
        self.directory = directory
        let path = directory + "/data.mdb"
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReplayStoreError.fileSystem(operation: "open", path: path, message: String(cString: strerror(errno)))
        }
    }

    deinit { close(descriptor) }

    /// Audits the snapshot of transaction `transactionID`; returns the first problem, or nil when the
    /// pages are sound. Returns nil without auditing when neither meta page still holds that transaction
    /// (a writer committed twice since the snapshot began).
    func audit(transactionID: UInt64) throws -> String? {
        let metaPages = try LMDBMetaPages(directory: directory)
        pageSize = metaPages.newest.pageSize
        var snapshot: [UInt8]?
        do {
            for page in 0..<2 {
                let bytes = try read(bytes: LMDBMetaPages.metaBytes, at: page * pageSize)
                let id = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 144, as: UInt64.self)) }
                if id == transactionID { snapshot = bytes }
            }
        } catch let finding as Finding {
            return finding.text
        }
        guard let snapshot else { return nil }
        let (free, main) = snapshot.withUnsafeBytes { raw -> (Tree, Tree) in
            (Tree(name: "LMDB's free-page list", record: UnsafeRawBufferPointer(rebasing: raw[40..<88])),
             Tree(name: "LMDB's main database", record: UnsafeRawBufferPointer(rebasing: raw[88..<136]),
                  leafNodeFlags: LMDBPageAudit.subDatabaseNode))
        }
        lastPage = snapshot.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 136, as: UInt64.self)) }
        guard lastPage >= 1, lastPage < UInt64(metaPages.fileBytes / pageSize) else {
            return "the meta page of transaction \(transactionID) names last page \(lastPage), beyond the file's \(metaPages.fileBytes) bytes"
        }
        seen = [UInt64](repeating: 0, count: Int(lastPage / 64) + 1)
        mark(0); mark(1)
        do {
            try walk(free) { key, value, _ in try self.collectFreePages(key: key, value: value) }
            var named: [Tree] = []
            try walk(main) { key, value, flags in
                guard flags & LMDBPageAudit.subDatabaseNode != 0, value.count == LMDBPageAudit.databaseRecordBytes else {
                    throw Finding(text: "LMDB's main database holds an entry '\(String(decoding: key, as: UTF8.self))' that is not a database record")
                }
                value.withUnsafeBytes { named.append(Tree(name: "the \(String(decoding: key, as: UTF8.self)) database", record: $0)) }
            }
            for tree in named { try walk(tree, visit: nil) }
            for page in freePages {
                guard !isSeen(page) else { throw Finding(text: "page \(page) is listed free but is also part of a B-tree or listed twice") }
                mark(page)
            }
            if let missing = (2...max(lastPage, 2)).first(where: { !isSeen($0) }), missing <= lastPage {
                throw Finding(text: "page \(missing) is neither part of a B-tree nor free")
            }
        } catch let finding as Finding {
            return finding.text
        }
        return nil
    }

    // MARK: Walking

    private func walk(_ tree: Tree, visit: ((_ key: [UInt8], _ value: [UInt8], _ flags: UInt16) throws -> Void)?) throws {
        var census = Census()
        if tree.root != LMDBPageAudit.noPage {
            try visitPage(tree.root, of: tree, depth: 1, above: nil, below: nil, census: &census, visit: visit)
        }
        func mismatch(_ what: String, _ recorded: UInt64, _ found: UInt64) throws {
            if recorded != found { throw Finding(text: "\(tree.name) records \(recorded) \(what), its tree has \(found)") }
        }
        try mismatch("entries", tree.entries, census.entries)
        try mismatch("branch pages", tree.branchPages, census.branchPages)
        try mismatch("leaf pages", tree.leafPages, census.leafPages)
        try mismatch("overflow pages", tree.overflowPages, census.overflowPages)
        try mismatch("levels", UInt64(tree.depth), UInt64(census.leafDepth ?? 0))
    }

    private func visitPage(_ page: UInt64, of tree: Tree, depth: Int, above: [UInt8]?, below: [UInt8]?,
                           census: inout Census, visit: ((_ key: [UInt8], _ value: [UInt8], _ flags: UInt16) throws -> Void)?) throws {
        func damaged(_ reason: String) -> Finding { Finding(text: "page \(page) of \(tree.name): \(reason)") }
        guard depth <= LMDBPageAudit.maximumDepth else { throw damaged("the tree is deeper than LMDB allows (a cycle?)") }
        try claim(page, count: 1, in: tree)
        let bytes = try read(bytes: pageSize, at: Int(page) * pageSize)
        try bytes.withUnsafeBytes { raw in
            func u16(_ offset: Int) -> Int { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) }
            let number = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            guard number == page else { throw damaged("its header says it is page \(number)") }
            let flags = UInt16(u16(10)) & ~LMDBPageAudit.transientFlags
            guard flags == LMDBPageAudit.branchPage || flags == LMDBPageAudit.leafPage else {
                throw damaged("flags 0x\(String(flags, radix: 16)) where a branch or leaf page belongs")
            }
            let isBranch = flags == LMDBPageAudit.branchPage
            let lower = u16(12), upper = u16(14)
            guard lower >= LMDBPageAudit.headerBytes, lower <= upper, upper <= pageSize, (lower - LMDBPageAudit.headerBytes) % 2 == 0 else {
                throw damaged("free-space bounds \(lower)...\(upper) do not fit a page of \(pageSize) bytes")
            }
            let count = (lower - LMDBPageAudit.headerBytes) / 2
            guard count >= 1 else { throw damaged("it holds no nodes") }
            // LMDB asserts that a branch page outside the free-page list has two children or more.
            guard !isBranch || count >= 2 || tree.flags & LMDBPageAudit.integerKeys != 0 && tree.name.hasPrefix("LMDB's free") else {
                throw damaged("a branch page with a single child")
            }
            if isBranch { census.branchPages += 1 } else {
                census.leafPages += 1
                if let depthSeen = census.leafDepth, depthSeen != depth {
                    throw damaged("a leaf at level \(depth) where the other leaves are at level \(depthSeen)")
                }
                census.leafDepth = depth
            }
            var keys: [[UInt8]] = []
            var nodes: [(offset: Int, keyEnd: Int)] = []
            for index in 0..<count {
                let offset = u16(LMDBPageAudit.headerBytes + 2 * index)
                guard offset >= upper, offset % 2 == 0, offset + LMDBPageAudit.nodeHeaderBytes <= pageSize else {
                    throw damaged("node \(index) at offset \(offset) lies outside the page's node area \(upper)..<\(pageSize)")
                }
                let keyStart = offset + LMDBPageAudit.nodeHeaderBytes
                let keyEnd = keyStart + u16(offset + 6)
                guard keyEnd <= pageSize else { throw damaged("the key of node \(index) runs past the end of the page") }
                keys.append(Array(raw[keyStart..<keyEnd]))
                nodes.append((offset, keyEnd))
            }
            // Keys strictly increase and stay within the parent's range; a branch's first key is not used.
            for index in (isBranch ? 1 : 0)..<count {
                let key = keys[index]
                if index > (isBranch ? 1 : 0), compare(keys[index - 1], key, tree) >= 0 {
                    throw damaged("key of node \(index) is not greater than the key before it")
                }
                if let above, compare(key, above, tree) < 0 { throw damaged("key of node \(index) is below the range its parent gives") }
                if let below, compare(key, below, tree) >= 0 { throw damaged("key of node \(index) is beyond the range its parent gives") }
            }
            for (index, node) in nodes.enumerated() {
                let low = u16(node.offset), high = u16(node.offset + 2), nodeFlags = UInt16(u16(node.offset + 4))
                if isBranch {
                    let child = UInt64(low) | UInt64(high) << 16 | UInt64(nodeFlags) << 32
                    try visitPage(child, of: tree, depth: depth + 1, above: index == 0 ? above : keys[index],
                                  below: index + 1 < count ? keys[index + 1] : below, census: &census, visit: visit)
                    continue
                }
                census.entries += 1
                guard nodeFlags & ~tree.leafNodeFlags == 0 else {
                    throw damaged("node \(index) has flags 0x\(String(nodeFlags, radix: 16)), which this database never uses")
                }
                let dataSize = low | high << 16
                var value: [UInt8] = []
                if nodeFlags & LMDBPageAudit.bigDataNode != 0 {
                    guard node.keyEnd + 8 <= pageSize else { throw damaged("the overflow page number of node \(index) runs past the page") }
                    let first = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: node.keyEnd, as: UInt64.self))
                    value = try readOverflow(first, bytes: dataSize, of: tree, census: &census, reading: visit != nil)
                } else {
                    guard node.keyEnd + dataSize <= pageSize else { throw damaged("the value of node \(index) runs past the end of the page") }
                    if visit != nil { value = Array(raw[node.keyEnd..<(node.keyEnd + dataSize)]) }
                }
                try visit?(keys[index], value, nodeFlags)
            }
        }
    }

    /// Checks the overflow run starting at `first` that holds a value of `bytes` bytes; returns the value when `reading`.
    private func readOverflow(_ first: UInt64, bytes: Int, of tree: Tree, census: inout Census, reading: Bool) throws -> [UInt8] {
        func damaged(_ reason: String) -> Finding { Finding(text: "overflow page \(first) of \(tree.name): \(reason)") }
        let needed = (LMDBPageAudit.headerBytes - 1 + bytes) / pageSize + 1
        guard first >= 2, first <= lastPage else { throw damaged("outside the file's pages 2...\(lastPage)") }
        let header = try read(bytes: LMDBPageAudit.headerBytes, at: Int(first) * pageSize)
        let (number, flags, pages) = header.withUnsafeBytes { raw in
            (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 10, as: UInt16.self)) & ~LMDBPageAudit.transientFlags,
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self))))
        }
        guard number == first else { throw damaged("its header says it is page \(number)") }
        guard flags == LMDBPageAudit.overflowPage else { throw damaged("flags 0x\(String(flags, radix: 16)) where an overflow page belongs") }
        guard pages >= needed, UInt64(pages) <= lastPage - first + 1 else {
            throw damaged("a run of \(pages) pages, where the value needs \(needed) and the file ends at page \(lastPage)")
        }
        try claim(first, count: pages, in: tree)
        census.overflowPages += UInt64(pages)
        return reading ? try read(bytes: bytes, at: Int(first) * pageSize + LMDBPageAudit.headerBytes) : []
    }

    /// The free-page list's entry: key the freeing transaction, value a count then that many page numbers.
    private func collectFreePages(key: [UInt8], value: [UInt8]) throws {
        guard key.count == 8, value.count >= 8, value.count % 8 == 0 else {
            throw Finding(text: "LMDB's free-page list has an entry with a \(key.count)-byte key and a \(value.count)-byte value")
        }
        try value.withUnsafeBytes { raw in
            let count = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard count == UInt64(value.count / 8 - 1) else {
                throw Finding(text: "LMDB's free-page list has an entry counting \(count) pages in \(value.count) bytes")
            }
            for position in 1..<(value.count / 8) {
                let page = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position * 8, as: UInt64.self))
                guard page >= 2, page <= lastPage else {
                    throw Finding(text: "LMDB's free-page list names page \(page), outside the file's pages 2...\(lastPage)")
                }
                freePages.append(page)
            }
        }
    }

    // MARK: Pages and keys

    /// Marks `count` pages from `first` as part of `tree`; each may be reached only once.
    private func claim(_ first: UInt64, count: Int, in tree: Tree) throws {
        guard first >= 2, first <= lastPage, UInt64(count) <= lastPage - first + 1 else {
            throw Finding(text: "\(tree.name) refers to page \(first), outside the file's pages 2...\(lastPage)")
        }
        for page in first..<(first + UInt64(count)) {
            guard !isSeen(page) else { throw Finding(text: "page \(page) is reached twice (\(tree.name))") }
            mark(page)
        }
    }

    private func isSeen(_ page: UInt64) -> Bool { seen[Int(page / 64)] & (1 << (page % 64)) != 0 }
    private func mark(_ page: UInt64) { seen[Int(page / 64)] |= 1 << (page % 64) }

    /// LMDB's key order: unsigned integers for `MDB_INTEGERKEY` trees, else bytes compared as memcmp,
    /// a shorter key first on a tie (`mdb_cmp_memn`).
    private func compare(_ a: [UInt8], _ b: [UInt8], _ tree: Tree) -> Int {
        if tree.flags & LMDBPageAudit.integerKeys != 0 && a.count == b.count && (a.count == 8 || a.count == 4) {
            func value(_ bytes: [UInt8]) -> UInt64 { bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
            let (x, y) = (value(a), value(b))
            return x < y ? -1 : (x == y ? 0 : 1)
        }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count - b.count
    }

    private func read(bytes count: Int, at offset: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got >= 0 else {
            throw ReplayStoreError.fileSystem(operation: "read", path: directory + "/data.mdb", message: String(cString: strerror(errno)))
        }
        guard got == count else { throw Finding(text: "data.mdb ends inside page \(offset / max(pageSize, 1))") }
        return bytes
    }
}
