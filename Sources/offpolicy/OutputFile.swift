import ArgumentParser
import Comparison
import Foundation
import RunFiles

/// The checks every command makes before it writes a file the user named (`plot --out`): nothing a
/// user made is overwritten. Refused, each in one sentence naming the flag: a directory, an existing
/// file without `--force` (and anything that is not a regular file, even with it), a path whose
/// directory does not exist, and any path inside a run directory or a compare directory (their files
/// belong to `train` and `compare`: a chart there could replace a run's progress.csv or a
/// comparison's curves.csv, also through a symbolic link).
enum OutputFile {
    static func check(_ path: String, flag: String, force: Bool) throws {
        guard !path.isEmpty else { throw ValidationError("\(flag) must not be empty") }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw ValidationError("\(flag): '\(path)' is a directory; give the path of the file to write")
        }
        let parent = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(flag): the directory '\(parent.path)' of '\(path)' does not exist")
        }
        // Where the file really lands: a symbolic link is followed to its target.
        let target = resolvedTarget(path)
        if let owner = owningDirectory(of: target) {
            throw ValidationError("\(flag): '\(path)' lies in the \(owner.kind) directory '\(owner.path)', whose files belong to it; write the file elsewhere")
        }
        if exists || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            var status = stat()
            if stat(target.path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
                throw ValidationError("\(flag): '\(path)' exists and is not a regular file")
            }
            guard force else { throw ValidationError("\(flag): '\(path)' exists; choose a new file, or give --force to replace it") }
        }
    }

    /// Where `path` really lands: the symbolic links of its longest existing part followed (realpath),
    /// the rest appended; relative paths against the working directory.
    static func resolvedTarget(_ path: String) -> URL {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while realpath(existing.path, nil) == nil && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        var url = existing
        if let real = realpath(existing.path, nil) { url = URL(fileURLWithPath: String(cString: real)); free(real) }
        for component in rest { url.appendPathComponent(component) }
        return url
    }

    /// Refuses, in one sentence naming `flag`, a path that is a replay store or lies in a run, compare or
    /// store directory (through symbolic links too): their files belong to `train`, `compare` and the
    /// store. `mayBeStore`: the directory may itself be a store (appended to). `allowing` names the kinds a path may lie in (`train --run-dir` in a compare directory).
    static func checkNotOwned(_ path: String, flag: String, isDirectory: Bool, mayBeStore: Bool = false, allowing: Set<String> = []) throws {
        let target = resolvedTarget(path)
        if isDirectory && FileManager.default.fileExists(atPath: target.appendingPathComponent("data.mdb").path) && !mayBeStore {
            throw ValidationError("\(flag): '\(path)' is a replay store; choose a directory of its own")
        }
        // A store made in a directory that is itself a run or compare directory (`train` checks its own
        // --run-dir, which compare locks before starting it).
        if isDirectory && mayBeStore, let owner = owningDirectory(of: target.appendingPathComponent("-")), owner.path == target.path,
           owner.kind != "replay store", !allowing.contains(owner.kind) {
            throw ValidationError("\(flag): '\(path)' is a \(owner.kind) directory, whose files belong to it; choose a directory of its own")
        }
        if let owner = owningDirectory(of: target), !allowing.contains(owner.kind) {
            throw ValidationError("\(flag): '\(path)' lies in the \(owner.kind) directory '\(owner.path)', whose files belong to it; choose a path elsewhere")
        }
    }

    /// The nearest run directory (progress.csv, metrics.csv or run.lock; or config.json beside replay/ or
    /// checkpoint/) or compare directory (curves.csv, compare.lock, or runs/ holding a run compare started)
    /// or replay store (data.mdb) that `file` lies in.
    static func owningDirectory(of file: URL) -> (kind: String, path: String)? {
        let fileManager = FileManager.default
        var directory = file.deletingLastPathComponent()
        while true {
            let run = RunDirectory(directory)
            let exists = { (url: URL) in fileManager.fileExists(atPath: url.path) }
            if [run.progress, run.metrics, run.lock].contains(where: exists)
                || (exists(run.config) && (exists(run.replay) || exists(run.checkpoint))) {
                return ("run", directory.path)
            }
            let runs = directory.appendingPathComponent(ComparisonFiles.runs)
            let startedByCompare = ((try? fileManager.contentsOfDirectory(atPath: runs.path)) ?? [])
                .contains { exists(runs.appendingPathComponent($0).appendingPathComponent("compare-run.json")) }
            if startedByCompare || [ComparisonFiles.curves, ComparisonFiles.lock].contains(where: { exists(directory.appendingPathComponent($0)) }) {
                return ("compare", directory.path)
            }
            if exists(directory.appendingPathComponent("data.mdb")) {
                return ("replay store", directory.path)
            }
            let up = directory.deletingLastPathComponent()
            if up.path == directory.path || directory.path == "/" { return nil }
            directory = up
        }
    }
}
