internal import CHDF5

/// How the writer stores a column: in chunks of whole rows, each byte-shuffled (HDF5's shuffle filter) and
/// then deflated (zlib, what h5py calls `compression="gzip"`). Every HDF5 reader has both filters built in:
/// h5py, Minari and D4RL's loaders read such files as they are.
struct HDF5Compression: Equatable {
    /// zlib's level, 1 (fastest) to 9 (smallest).
    var level: Int
    /// The most bytes one chunk holds (unless a single row is larger): small enough for HDF5's default
    /// chunk cache of 1 MiB per dataset, so a read of rows that splits a chunk decompresses it once.
    var chunkBytes: Int

    /// Level 4 and chunks of at most 256 KiB. On 20,000 random HalfCheetah-v5 transitions (docs/formats.md)
    /// level 4 wrote a file 0.4 % larger than levels 6 and 9 did, in about half and a third of their time, and
    /// 0.8 % smaller than level 1, which was no faster.
    static let standard = HDF5Compression(level: 4, chunkBytes: 256 << 10)

    /// What the writer uses: `standard` when the linked libhdf5 can encode with deflate and shuffle, nil
    /// (contiguous, unfiltered columns, which every reader reads too) when it cannot.
    static let available: HDF5Compression? = canEncode(H5Z_FILTER_DEFLATE) && canEncode(H5Z_FILTER_SHUFFLE) ? standard : nil

    /// Whether filter `filter` is in the library and can write, not only read.
    private static func canEncode(_ filter: H5Z_filter_t) -> Bool {
        HDF5Library.prepared
        guard H5Zfilter_avail(filter) > 0 else { return false }
        var configuration: UInt32 = 0
        guard H5Zget_filter_info(filter, &configuration) >= 0 else { return false }
        return configuration & UInt32(H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0
    }

    /// The chunk shape of a column of `shape` whose values take `elementSize` bytes: as many whole rows
    /// as fit `chunkBytes` (at least one, at most all). Nil when a dimension is 0: HDF5 refuses chunks of
    /// size 0, and a column without values has nothing to compress, so it is written contiguous.
    func chunkShape(of shape: [Int], elementSize: Int) -> [Int]? {
        guard let rows = shape.first, !shape.contains(where: { $0 <= 0 }) else { return nil }
        let rowBytes = shape.dropFirst().reduce(elementSize, *)
        let fitting = rowBytes > 0 ? chunkBytes / rowBytes : rows
        return [min(rows, max(1, fitting))] + shape.dropFirst()
    }
}
