extension TransitionBatch {
    /// Calls `body` with mutable pointers to every column (no copies when the batch is uniquely owned),
    /// for samplers and decoders that overwrite rows in place. Each pointer covers exactly `count` rows.
    public mutating func withUnsafeMutableColumns<T>(_ body: (BatchColumns) throws -> T) rethrows -> T {
        try observations.withUnsafeMutableBufferPointer { o in
            try actions.withUnsafeMutableBufferPointer { a in
                try rewards.withUnsafeMutableBufferPointer { r in
                    try nextObservations.withUnsafeMutableBufferPointer { n in
                        try behaviorLogProbabilities.withUnsafeMutableBufferPointer { l in
                            try episodeIDs.withUnsafeMutableBufferPointer { e in
                                try stepIndices.withUnsafeMutableBufferPointer { s in
                                    try terminated.withUnsafeMutableBufferPointer { te in
                                        try truncated.withUnsafeMutableBufferPointer { tr in
                                            try sources.withUnsafeMutableBufferPointer { so in
                                                try body(BatchColumns(
                                                    observations: o.baseAddress!, actions: a.baseAddress!, rewards: r.baseAddress!,
                                                    nextObservations: n.baseAddress!, behaviorLogProbabilities: l.baseAddress!,
                                                    episodeIDs: e.baseAddress!, stepIndices: s.baseAddress!,
                                                    terminated: te.baseAddress!, truncated: tr.baseAddress!, sources: so.baseAddress!))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
