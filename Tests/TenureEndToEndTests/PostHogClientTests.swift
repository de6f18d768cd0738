import Foundation
import Testing
import TenureCore
import TenureStore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// PostHog's official Python client (`posthog`), pointed at a live `tenure serve` with its `host`
/// option: its capture, identify, `set`, `set_once` and `alias` calls end as one person with the
/// person properties PostHog's semantics give, as the admin JSON API serves them.
@Suite struct PostHogClientTests {
    /// What `GET /api/v1/customers/{userId}` answers.
    struct CustomerResponse: Decodable {
        var customer: CustomerProfile
        var events: [StoredEvent]
    }

    static func customer(_ userId: String, server: ServerProcess, adminKey: String) async throws -> (status: Int, body: CustomerResponse?) {
        var request = URLRequest(url: URL(string: server.baseURL + "/api/v1/customers/" + userId)!)
        request.timeoutInterval = 30
        request.setValue("Bearer " + adminKey, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { return (status, nil) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (status, try decoder.decode(CustomerResponse.self, from: data))
    }

    @Test func officialPythonClientSetsPersonPropertiesAndAliases() async throws {
        guard Peer.pythonModule("posthog", install: "pip install posthog==7.91.1") else { return }
        let folder = TemporaryFolder()
        let database = folder.path + "/posthog.sqlite"
        let writeKey = try TenureBinary.run(["keys", "create", "--scope", "write", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let adminKey = try TenureBinary.run(["keys", "create", "--scope", "admin", "--quiet", "--database", database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(database: database)
        defer { server.stop() }

        #expect(try Peer.runScript("e2e/posthog_client.py", [server.baseURL, writeKey]) == 0)

        // The person is known by alias()'s distinct_id, and its previous id finds the same person.
        let (status, body) = try await Self.customer("ph-user-2", server: server, adminKey: adminKey)
        #expect(status == 200)
        let response = try #require(body)
        let person = response.customer
        #expect(person.userId == "ph-user-2")
        #expect(person.aliases == ["ph-anon-1", "ph-user-1"])
        #expect(try await Self.customer("ph-user-1", server: server, adminKey: adminKey).body?.customer.id == person.id)
        #expect(try await Self.customer("ph-anon-1", server: server, adminKey: adminKey).body?.customer.id == person.id)
        // $set overwrote plan, $set_once kept the first plan and added the new key, the order's
        // $set added last_order and its $unset removed the coupon.
        #expect(person.traits == [
            "email": "ph@example.com", "plan": "pro", "first_plan": "free", "signup_source": "ads", "last_order": "ph-o-1",
        ])
        // Every call is on the person's timeline; set and set_once read as the trait updates they are.
        let kinds = response.events.map(\.kind)
        #expect(kinds == [.page, .identify, .identify, .identify, .track, .alias])
        #expect(response.events[3].traitChanges?.setOnce == ["first_plan": "pro", "signup_source": "ads"])
        #expect(response.events[4].traitChanges?.unset == ["coupon"])
        #expect(response.events.first { $0.name == "Order Completed" }?.revenue == 30)

        let store = try SQLiteStore(path: database)
        let counts = try await store.counts()
        #expect(counts.customers == 1 && counts.anonymousVisitors == 0 && counts.events == 6 && counts.orders == 1)
        // The trait search index follows the changes: the removed coupon is not found any more.
        #expect(try await store.searchCustomers("ads", limit: 5).map(\.userId) == ["ph-user-2"])
        #expect(try await store.searchCustomers("WELCOME", limit: 5).isEmpty)
    }
}
