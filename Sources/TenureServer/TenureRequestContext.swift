import Hummingbird
import NIOCore
import TenureStore

/// Per-request context: Hummingbird's core storage plus the API key that authenticated the request.
public struct TenureRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The key that authenticated this request, once a route has checked it.
    public var apiKey: APIKey?
    /// The TCP peer (nil in router tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        apiKey = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Tracking bodies are limited by the ingestion routes themselves (500 KB after
    /// decompression); this is the transport's ceiling for compressed or bulk bodies.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}
