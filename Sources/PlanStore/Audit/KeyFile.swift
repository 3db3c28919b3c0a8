import Foundation
import ImprovementPlan

/// Checkpoint keys in files: one line of base64 (the raw 32-byte Ed25519 key).
public enum KeyFile {
    public enum Kind: Sendable { case privateKey, publicKey }

    public static func read(_ path: String, kind: Kind) throws -> Data {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw PlanError.notFound(entity: "key file", key: path)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
            throw PlanError.invalidValue(field: "key", value: path, expected: "a planwatch checkpoint key file (one line of base64)")
        }
        switch kind {
        case .privateKey:
            guard CheckpointKeys.publicKey(of: data) != nil else {
                throw PlanError.invalidValue(field: "key", value: path, expected: "an Ed25519 private key")
            }
        case .publicKey:
            guard CheckpointKeys.isPublicKey(data) else {
                throw PlanError.invalidValue(field: "key", value: path, expected: "an Ed25519 public key")
            }
        }
        return data
    }

    public static func write(_ data: Data, to path: String, mode: Int) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        guard FileManager.default.createFile(atPath: path, contents: Data((data.base64EncodedString() + "\n").utf8),
                                             attributes: [.posixPermissions: mode]) else {
            throw StoreError.cannotWrite(folder: folder.isEmpty ? "." : folder)
        }
    }
}
