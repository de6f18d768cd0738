import NIOCore

/// Cuts the server's bytes into replies: lines ending in CRLF (a bare LF is accepted), `ddd-text`
/// continuing a reply and `ddd text` (or `ddd` alone) ending it. A line longer than 8 KiB or
/// without a code is an error, so a hostile server cannot make the client buffer without end.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    static let maximumLine = 8 * 1024

    private var code: Int?
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SMTPError.malformedReply("a line longer than \(Self.maximumLine) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var bytes = buffer.readBytes(length: length + 1) else { return .needMoreData }
        bytes.removeLast()
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count <= Self.maximumLine, bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else { throw SMTPError.malformedReply(String(decoding: bytes.prefix(200), as: UTF8.self)) }
        let lineCode = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        guard (200...599).contains(lineCode), code == nil || code == lineCode else {
            throw SMTPError.malformedReply(String(decoding: bytes.prefix(200), as: UTF8.self))
        }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if lines.count > 1_000 { throw SMTPError.malformedReply("a reply of more than 1,000 lines") }
        if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
            let reply = SMTPReply(code: lineCode, lines: lines)
            code = nil
            lines = []
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
