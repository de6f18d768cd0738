import NIOCore

/// One command (or the message's content) to write, and the promise of the reply it gets.
struct SMTPCommand: Sendable {
    var bytes: ByteBuffer
    var reply: EventLoopPromise<SMTPReply>
}

/// Pairs replies with commands in the order they were written, which is what lets the client
/// pipeline (RFC 2920): several commands written at once, their replies read in turn. Every
/// waiting promise fails when the connection closes, errs or times out.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPCommand
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var closed = false

    /// - Parameter greeting: completed by the server's first reply (220), which no command asks for.
    init(greeting: EventLoopPromise<SMTPReply>) {
        waiting.append(greeting)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let promise = waiting.popFirst() else {
            // A reply to nothing asked (RFC 5321 allows only 421 so): the session is over.
            fail(SMTPError.unexpectedReply(step: "nothing (an unrequested reply)", reply: reply))
            context.close(promise: nil)
            return
        }
        promise.succeed(reply)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        guard !closed else {
            command.reply.fail(SMTPError.connectionClosed)
            promise?.fail(SMTPError.connectionClosed)
            return
        }
        waiting.append(command.reply)
        context.write(wrapOutboundOut(command.bytes), promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// Fails every waiting promise (a timeout, a closed connection) and refuses later commands.
    func fail(_ error: any Error) {
        closed = true
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}
