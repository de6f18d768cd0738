/// What went wrong talking to an SMTP server; each message says what to check.
public enum SMTPError: Error, Sendable, CustomStringConvertible {
    /// The server closed the connection (or it was lost) before answering.
    case connectionClosed
    /// No reply within the timeout.
    case timeout(seconds: Double)
    /// The server sent something that is not an SMTP reply.
    case malformedReply(String)
    /// A reply other than the one the protocol step needed.
    case unexpectedReply(step: String, reply: SMTPReply)
    /// STARTTLS is required but the server does not offer it.
    case startTLSUnavailable
    /// The server refused the credentials.
    case authenticationFailed(SMTPReply)
    /// Credentials are set but the server offers neither AUTH PLAIN nor AUTH LOGIN.
    case authenticationUnavailable
    /// Credentials would be sent in clear text.
    case plaintextAuthentication
    /// Connecting failed.
    case connect(String)
    /// The connection failed after it was made (a TLS error, a reset).
    case transport(String)

    public var description: String {
        switch self {
        case .connectionClosed: "the SMTP server closed the connection before answering"
        case .timeout(let s): "the SMTP server did not answer within \(s) s"
        case .malformedReply(let text): "the SMTP server sent a line that is not a reply (is the port an SMTP server's?): \(text)"
        case .unexpectedReply(let step, let reply): "the SMTP server answered \(step) with \(reply)"
        case .startTLSUnavailable:
            "the SMTP server does not offer STARTTLS, which --smtp-starttls required asks for; use optional or never if clear text is acceptable"
        case .authenticationFailed(let reply): "the SMTP server refused the login (\(reply)); check --smtp-user and TENURE_SMTP_PASSWORD"
        case .authenticationUnavailable: "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN; drop --smtp-user or use another server"
        case .plaintextAuthentication:
            "refusing to send the SMTP password over a connection without TLS; enable STARTTLS (--smtp-starttls required) or allow clear-text login explicitly"
        case .connect(let reason): "could not connect to the SMTP server (check --smtp-host and --smtp-port): \(reason)"
        case .transport(let reason): "the connection to the SMTP server failed: \(reason)"
        }
    }
}
