import CZlib
import Foundation

/// A request body's `Content-Encoding`, by the book (RFC 9110 §8.4.1): `gzip` (also `x-gzip`, and
/// PostHog's `?compression=gzip…`), `deflate` (a zlib stream, RFC 1950; a raw deflate stream, as
/// some clients send, is accepted too) and `identity`. A compressed body must be complete: a
/// stream that is cut off, fails its checksum or has bytes after its end is refused, and nothing is
/// decompressed past the size limit (a "zip bomb" stops there).
public enum ContentDecoding: Sendable, Equatable {
    case identity
    case gzip
    case deflate

    /// Every encoding the tracking routes read, for the 415 answer.
    public static let supported = "gzip, deflate, identity"

    /// The coding a `Content-Encoding` header names; nil when it names one this server cannot read.
    public init?(header: String?) {
        guard let header else {
            self = .identity
            return
        }
        switch header.trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        default: return nil
        }
    }

    public enum Failure: Error, Equatable {
        /// The body is not a complete, valid stream of this coding; the reason says how.
        case invalid(String)
        /// It decompresses to more than the limit.
        case tooLarge
    }

    /// The body decompressed, at most `limit` bytes.
    public func decode(_ body: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        switch self {
        case .identity:
            guard body.count <= limit else { throw .tooLarge }
            return body
        case .gzip:
            return try Self.inflate(body, windowBits: 15 + 16, name: "gzip", limit: limit, members: true)
        case .deflate:
            // RFC 9110's deflate is the zlib format; a first byte that is no zlib header means raw deflate.
            let zlibHeader = body.count >= 2 && body[0] & 0x0F == 8 && body[0] >> 4 <= 7 && (UInt16(body[0]) << 8 | UInt16(body[1])) % 31 == 0
            return try Self.inflate(body, windowBits: zlibHeader ? 15 : -15, name: "deflate", limit: limit, members: false)
        }
    }

    /// Inflates `input` whole. `members`: gzip allows several members back to back (RFC 1952 §2.2).
    private static func inflate(_ input: [UInt8], windowBits: Int32, name: String, limit: Int, members: Bool) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .invalid("the \(name) body is empty") }
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .invalid("the \(name) decoder could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit + 1, input.count * 4))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: Failure?
        input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = UInt32(inBuffer.count)
            while failure == nil {
                var produced = 0
                let code: Int32 = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = outBuffer.count - Int(stream.avail_out)
                    return code
                }
                if output.count + produced > limit {
                    failure = .tooLarge
                    break
                }
                output.append(contentsOf: chunk[0..<produced])
                switch code {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return }
                    if members, inBuffer[inBuffer.count - Int(stream.avail_in)] == 0x1F, inflateReset(&stream) == Z_OK { continue }
                    failure = .invalid("the \(name) body has \(stream.avail_in) bytes after the end of its compressed data")
                case Z_BUF_ERROR where stream.avail_in == 0:
                    failure = .invalid("the \(name) body is cut off: it ends before its compressed data does (a truncated upload?)")
                case Z_NEED_DICT:
                    failure = .invalid("the \(name) body needs a preset dictionary, which this server does not have")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                    failure = .invalid("the \(name) body is not valid \(name) data (\(reason))")
                }
            }
        }
        if let failure { throw failure }
        return output
    }

    /// `bytes` compressed with this coding (gzip or zlib-wrapped deflate), for tests and clients.
    public func encode(_ bytes: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        guard self != .identity else { return bytes }
        var stream = z_stream()
        let bits: Int32 = self == .gzip ? 15 + 16 : 15
        guard deflateInit2_(&stream, level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let written: Int = bytes.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}
