import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TenureCore
import TenureServer
import TenureStore

/// The whole application, as `tenure serve` builds it, over an in-memory store.
struct TestServer {
    let store: SQLiteStore
    let writeKey: String
    let adminKey: String

    init() async throws {
        store = try SQLiteStore.inMemory()
        writeKey = try await store.createKey(name: "w", scope: .write).secret
        adminKey = try await store.createKey(name: "a", scope: .admin).secret
    }

    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(configuration: ServerConfiguration(port: 0), store: store, logger: Logger(label: "test"))
        try await app.test(.router) { client in try await test(client) }
    }

    var basic: HTTPFields {
        [.authorization: "Basic " + Data((writeKey + ":").utf8).base64EncodedString(), .contentType: "application/json"]
    }
    var bearerAdmin: HTTPFields { [.authorization: "Bearer " + adminKey] }
}

struct ErrorBody: Decodable {
    var code: String
    var message: String
    var index: Int?
    var field: String?
}

func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
}

@Suite struct IngestRoutesTests {
    @Test(arguments: [
        ("/v1/identify", #"{"userId":"u1","traits":{"email":"a@b.c"}}"#),
        ("/v1/track", #"{"userId":"u1","event":"Signed Up"}"#),
        ("/v1/page", #"{"anonymousId":"a1","name":"Home"}"#),
        ("/v1/screen", #"{"userId":"u1","name":"Cart"}"#),
        ("/v1/group", #"{"userId":"u1","groupId":"acme","traits":{"name":"Acme"}}"#),
        ("/v1/alias", #"{"userId":"u1","previousId":"a1"}"#),
        ("/v1/batch", #"{"batch":[{"type":"track","userId":"u1","event":"A"},{"type":"page","userId":"u1"}]}"#),
    ])
    func everyEndpointStores(path: String, body: String) async throws {
        let server = try await TestServer()
        try await server.run { client in
            try await client.execute(uri: path, method: .post, headers: server.basic, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""success":true"#))
            }
        }
        #expect(try await server.store.counts().events == (path == "/v1/batch" ? 2 : 1))
    }

    @Test func writeKeyInTheBodyWorks() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let body = #"{"writeKey":"\#(server.writeKey)","userId":"u","event":"A"}"#
            try await client.execute(uri: "/v1/track", method: .post, body: ByteBuffer(string: body)) { #expect($0.status == .ok) }
        }
        #expect(try await server.store.counts().events == 1)
    }

    @Test func missingOrWrongKeysAreRefused() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let body = ByteBuffer(string: #"{"userId":"u","event":"A"}"#)
            try await client.execute(uri: "/v1/track", method: .post, body: body) { response in
                #expect(response.status == .unauthorized)
                let error = try decode(ErrorBody.self, response.body)
                #expect(error.code == "unauthorized")
            }
            let wrong: HTTPFields = [.authorization: "Basic " + Data("tnr_w_nope:".utf8).base64EncodedString()]
            try await client.execute(uri: "/v1/track", method: .post, headers: wrong, body: body) { #expect($0.status == .unauthorized) }
            let wrongInBody = ByteBuffer(string: #"{"writeKey":"bad","userId":"u","event":"A"}"#)
            try await client.execute(uri: "/v1/track", method: .post, body: wrongInBody) { #expect($0.status == .unauthorized) }
            // A write key cannot read the admin API.
            let writeBearer: HTTPFields = [.authorization: "Bearer " + server.writeKey]
            try await client.execute(uri: "/api/v1/summary", method: .get, headers: writeBearer) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/summary", method: .get) { #expect($0.status == .unauthorized) }
        }
        #expect(try await server.store.counts().events == 0)
    }

    @Test func revokedKeysStopWorking() async throws {
        let server = try await TestServer()
        let (key, secret) = try await server.store.createKey(name: "temp", scope: .write)
        try await server.run { client in
            let headers: HTTPFields = [.authorization: "Bearer " + secret]
            let body = ByteBuffer(string: #"{"userId":"u","event":"A"}"#)
            try await client.execute(uri: "/v1/track", method: .post, headers: headers, body: body) { #expect($0.status == .ok) }
            _ = try await server.store.revokeKey(id: key.id)
            try await Task.sleep(for: .milliseconds(1100))
            // The cache still knows the key; a miss reloads, and periodic refresh catches up. Use a fresh client path:
            let stranger: HTTPFields = [.authorization: "Bearer tnr_w_unknown"]
            try await client.execute(uri: "/v1/track", method: .post, headers: stranger, body: body) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/track", method: .post, headers: headers, body: body) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func rejectionsAreJSONErrorsThatNameTheProblem() async throws {
        let server = try await TestServer()
        try await server.run { client in
            func check(_ path: String, _ body: String, status: HTTPResponse.Status, code: String, index: Int? = nil) async throws {
                try await client.execute(uri: path, method: .post, headers: server.basic, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(path) \(body.prefix(80))")
                    guard let error = try? decode(ErrorBody.self, response.body) else {
                        Issue.record("not a JSON error for \(code): \(String(buffer: response.body))")
                        return
                    }
                    #expect(error.code == code)
                    #expect(error.index == index)
                    #expect(!error.message.isEmpty)
                }
            }
            try await check("/v1/track", "{not json", status: .badRequest, code: "invalid_json")
            try await check("/v1/track", #"{"event":"A"}"#, status: .badRequest, code: "no_user_anon_id")
            try await check("/v1/batch", #"{"batch":[{"type":"track","userId":"u","event":"A"},{"type":"track","event":"B"}]}"#,
                            status: .badRequest, code: "no_user_anon_id", index: 1)
            try await check("/v1/track", #"{"userId":"u","event":"A","timestamp":"2026-99-01"}"#, status: .badRequest, code: "invalid_timestamp")
            let big = String(repeating: "x", count: 40_000)
            try await check("/v1/batch", #"{"batch":[{"type":"track","userId":"u","event":"A","properties":{"p":"\#(big)"}}]}"#,
                            status: .badRequest, code: "event_too_large", index: 0)
            let item = #"{"type":"track","userId":"u","event":"A"}"#
            try await check("/v1/batch", "{\"batch\":[" + Array(repeating: item, count: 2_501).joined(separator: ",") + "]}",
                            status: .badRequest, code: "batch_too_large")
            try await check("/v1/batch", "{\"batch\":[" + Array(repeating: item, count: 14_000).joined(separator: ",") + "]}",
                            status: .contentTooLarge, code: "request_too_large")
        }
        #expect(try await server.store.counts().events == 0)
    }

    @Test func compressedBodiesAreReadByTheBookAndBrokenOnesStoreNothing() async throws {
        let server = try await TestServer()
        @Sendable func batch(_ id: String) -> [UInt8] {
            Array(#"{"batch":[{"type":"track","userId":"u","event":"A","messageId":"\#(id)"}]}"#.utf8)
        }
        try await server.run { client in
            func post(_ body: [UInt8], encoding: String?, query: String = "") async throws -> (HTTPResponse.Status, String) {
                var headers = server.basic
                if let encoding { headers[.contentEncoding] = encoding }
                return try await client.execute(uri: "/v1/batch" + query, method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            // gzip, x-gzip, deflate (zlib-wrapped and raw) are read.
            #expect(try await post(ContentDecoding.gzip.encode(batch("g1")), encoding: "gzip").0 == .ok)
            #expect(try await post(ContentDecoding.gzip.encode(batch("g2")), encoding: "X-Gzip").0 == .ok)
            #expect(try await post(ContentDecoding.deflate.encode(batch("d1")), encoding: "deflate").0 == .ok)
            let zlib = ContentDecoding.deflate.encode(batch("d2"))
            let raw = Array(zlib.dropFirst(2).dropLast(4))  // the zlib header and Adler-32 trailer taken off
            #expect(try await post(raw, encoding: "deflate").0 == .ok)
            // Two gzip members back to back are one body (RFC 1952): here two halves of one batch.
            let whole = batch("g3")
            let members = ContentDecoding.gzip.encode(Array(whole.prefix(20))) + ContentDecoding.gzip.encode(Array(whole.dropFirst(20)))
            #expect(try await post(members, encoding: "gzip").0 == .ok)
            // PostHog's clients say so in the query instead.
            #expect(try await post(ContentDecoding.gzip.encode(batch("g4")), encoding: nil, query: "?compression=gzip-js").0 == .ok)

            // Broken streams: 400 invalid_body, nothing stored.
            let gzip = ContentDecoding.gzip.encode(batch("bad1"))
            var broken: [(String, [UInt8], String)] = [
                ("gzip", Array(gzip.dropLast(4)), "cut off"),  // the CRC trailer's length field cut
                ("gzip", Array(gzip.dropLast(8)), "cut off"),  // the whole trailer cut
                ("gzip", Array(gzip.prefix(gzip.count / 2)), "cut off"),
                ("gzip", Array("not gzip".utf8), "not valid gzip"),
                ("gzip", gzip + Array("trailing".utf8), "after the end"),
                ("deflate", Array(ContentDecoding.deflate.encode(batch("bad2")).dropLast(2)), "cut off"),
                ("gzip", [], "empty"),
            ]
            var corrupt = gzip
            corrupt[corrupt.count - 6] ^= 0xFF  // the CRC-32 no longer matches
            broken.append(("gzip", corrupt, "not valid gzip"))
            for (encoding, body, reason) in broken {
                let (status, text) = try await post(body, encoding: encoding)
                #expect(status == .badRequest, "\(encoding) \(reason)")
                #expect(text.contains(#""code":"invalid_body""#) && text.contains(reason), "\(text)")
            }
            // Anything else is a 415 that lists what is supported; the body is not read as JSON.
            for encoding in ["br", "zstd", "compress", "gzip, br"] {
                let (status, text) = try await post(batch("bad3"), encoding: encoding)
                #expect(status == .unsupportedMediaType, "\(encoding)")
                #expect(text.contains("unsupported_encoding") && text.contains("gzip, deflate, identity"))
            }
            // A small gzip body that inflates past 500 KB is refused, and so is a deflate one.
            let bomb = [UInt8](repeating: UInt8(ascii: " "), count: 20_000_000)
            #expect(try await post(ContentDecoding.gzip.encode(bomb, level: 9), encoding: "gzip").0 == .contentTooLarge)
            #expect(try await post(ContentDecoding.deflate.encode(bomb, level: 9), encoding: "deflate").0 == .contentTooLarge)
        }
        for id in ["g1", "g2", "d1", "d2", "g3", "g4"] { #expect(try await server.store.hasMessage(id: id), "\(id)") }
        for id in ["bad1", "bad2", "bad3"] { #expect(try await !server.store.hasMessage(id: id), "\(id)") }
    }

    @Test func resentBatchesStoreNothingTwice() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let body = #"{"batch":[{"type":"track","userId":"u","event":"A","messageId":"r1"},{"type":"track","userId":"u","event":"B","messageId":"r2"}]}"#
            for expected in [#""stored":2,"duplicates":0"#, #""stored":0,"duplicates":2"#] {
                try await client.execute(uri: "/v1/batch", method: .post, headers: server.basic, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(expected))
                }
            }
        }
        #expect(try await server.store.counts().events == 2)
    }

    @Test func identifyOverHTTPMergesTheAnonymousVisitor() async throws {
        let server = try await TestServer()
        try await server.run { client in
            for body in [
                #"{"anonymousId":"anon-9","event":"Product Viewed"}"#,
                #"{"anonymousId":"anon-9","event":"Added to Cart"}"#,
            ] {
                try await client.execute(uri: "/v1/track", method: .post, headers: server.basic, body: ByteBuffer(string: body)) { #expect($0.status == .ok) }
            }
            try await client.execute(
                uri: "/v1/identify", method: .post, headers: server.basic,
                body: ByteBuffer(string: #"{"userId":"bob","anonymousId":"anon-9","traits":{"name":"Bob"}}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/customers/bob", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("Product Viewed") && text.contains("Added to Cart") && text.contains("anon-9"))
            }
            try await client.execute(uri: "/api/v1/customers/nobody", method: .get, headers: server.bearerAdmin) { #expect($0.status == .notFound) }
        }
        let counts = try await server.store.counts()
        #expect(counts.customers == 1 && counts.anonymousVisitors == 0 && counts.events == 3)
    }

    @Test func postHogCaptureIsAccepted() async throws {
        let server = try await TestServer()
        try await server.run { client in
            let batch = #"{"api_key":"\#(server.writeKey)","batch":[{"event":"$identify","distinct_id":"u7","properties":{"$set":{"email":"u7@x.io"}},"uuid":"ph1"},{"event":"Order Completed","distinct_id":"u7","properties":{"total":4},"uuid":"ph2"}]}"#
            for path in ["/batch", "/batch/"] {
                try await client.execute(uri: path, method: .post, body: ByteBuffer(string: batch)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"status":1}"#)
                }
            }
            let single = #"{"api_key":"\#(server.writeKey)","event":"$pageview","distinct_id":"u7","properties":{"$pathname":"/"}}"#
            try await client.execute(uri: "/i/v0/e/", method: .post, body: ByteBuffer(string: single)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/capture/", method: .post, body: ByteBuffer(string: #"{"api_key":"nope","event":"x","distinct_id":"u"}"#)) {
                #expect($0.status == .unauthorized)
            }
        }
        let counts = try await server.store.counts()
        #expect(counts.events == 3 && counts.orders == 1)
        #expect(try await server.store.customer(userId: "u7")?.traits["email"] == "u7@x.io")
    }

    @Test func adminSummary() async throws {
        let server = try await TestServer()
        _ = try await server.store.ingest([[Message(kind: .track, messageId: "s", userId: "u", name: "Order Completed", timestamp: Date(), properties: ["total": 5])]])
        try await server.run { client in
            try await client.execute(uri: "/api/v1/summary", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let counts = try JSONDecoder().decode(Counts.self, from: Data(response.body.readableBytesView))
                #expect(counts.customers == 1 && counts.orders == 1)
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    struct Counts: Decodable {
        var customers: Int
        var orders: Int
    }
}
