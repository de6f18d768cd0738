import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TenureCore
import TenureStore

@Suite struct ReportsRoutesTests {
    func order(_ id: String, _ user: String, _ day: String, _ total: Double) -> Message {
        Message(kind: .track, messageId: id, userId: user, name: "Order Completed", timestamp: ISO8601Timestamp.parse(day)!, properties: ["total": .number(total)])
    }

    @Test func reportsAnswerFromTheSnapshotAndSeeNewEvents() async throws {
        let server = try await TestServer()
        _ = try await server.store.ingest([[
            order("1", "a", "2026-01-05", 10), order("2", "a", "2026-02-05", 10), order("3", "b", "2026-01-09", 4),
        ]])
        try await server.run { client in
            try await client.execute(uri: "/api/v1/reports/cohorts?unit=month", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let matrix = try JSONDecoder().decode(CohortRetentionMatrix.self, from: Data(response.body.readableBytesView))
                #expect(matrix.cohorts.first?.size == 2 && matrix.cohorts.first?.counts.prefix(2) == [2, 1])
            }
            try await client.execute(uri: "/api/v1/reports/churn?unit=month&window=30", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let report = try JSONDecoder().decode(ChurnReport.self, from: Data(response.body.readableBytesView))
                #expect(report.inactivityWindow?.days == 30 && !report.rows.isEmpty)
            }
            for path in ["rfm", "lifecycle", "purchases"] {
                try await client.execute(uri: "/api/v1/reports/\(path)", method: .get, headers: server.bearerAdmin) { #expect($0.status == .ok) }
            }
            // New events show up once the snapshot refreshes (at most a second later).
            _ = try await server.store.ingest([[order("4", "c", "2026-01-20", 7)]])
            try await Task.sleep(for: .milliseconds(1100))
            try await client.execute(uri: "/api/v1/reports/cohorts", method: .get, headers: server.bearerAdmin) { response in
                let matrix = try JSONDecoder().decode(CohortRetentionMatrix.self, from: Data(response.body.readableBytesView))
                #expect(matrix.cohorts.first?.size == 3)
            }
        }
    }

    @Test func hostileParametersAreRefusedClearly() async throws {
        let server = try await TestServer()
        _ = try await server.store.ingest([[order("1", "a", "2026-01-05", 10)]])
        try await server.run { client in
            for query in [
                "unit=fortnight", "from=2026-13-01", "from=%27%3B%20DROP%20TABLE%20event%3B--", "through=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "window=-3", "window=" + String(repeating: "9", count: 5000), "from=2026-03-01&through=2026-01-01",
            ] {
                try await client.execute(uri: "/api/v1/reports/churn?" + query, method: .get, headers: server.bearerAdmin) { response in
                    #expect(response.status == .badRequest, "\(query.prefix(40))")
                    let text = String(buffer: response.body)
                    #expect(text.contains("invalid_parameter") && !text.contains("<script>"))
                }
            }
            try await client.execute(uri: "/api/v1/reports/rfm", method: .get, headers: [.authorization: "Bearer " + server.writeKey]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/reports/rfm", method: .get) { #expect($0.status == .unauthorized) }
        }
        #expect(try await server.store.counts().events == 1)
    }
}

@Suite struct SubscriptionReportsRoutesTests {
    func event(_ id: String, _ user: String, _ name: String, _ day: String, _ properties: [String: JSONValue]) -> Message {
        Message(kind: .track, messageId: id, userId: user, name: name, timestamp: ISO8601Timestamp.parse(day)!, properties: properties)
    }

    @Test func contractualChurnAndMRRComeFromSubscriptionEvents() async throws {
        let server = try await TestServer()
        _ = try await server.store.ingest([[
            event("1", "a", "Subscription Started", "2026-01-01", ["subscription_id": "s1", "plan": "Tea Club", "amount": 10, "interval": "month"]),
            event("2", "a", "Subscription Renewed", "2026-02-01", ["subscription_id": "s1", "amount": 10]),
            event("3", "a", "Subscription Cancelled", "2026-02-15", ["subscription_id": "s1", "reason": "price"]),
            event("4", "b", "Subscription Started", "2026-01-10", ["subscription_id": "s2", "plan": "Tea Club", "amount": 20, "interval": "month"]),
            event("5", "b", "Subscription Renewed", "2026-02-10", ["subscription_id": "s2", "amount": 20]),
            event("6", "b", "Subscription Renewed", "2026-03-10", ["subscription_id": "s2", "amount": 20]),
        ]])
        try await server.run { client in
            try await client.execute(uri: "/api/v1/reports/subscriptions/churn?through=2026-03-31", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let report = try JSONDecoder().decode(ChurnReport.self, from: Data(response.body.readableBytesView))
                #expect(report.rows.map(\.lost).reduce(0, +) == 1)
                #expect(report.rows.map(\.acquired).reduce(0, +) == 2)
            }
            for path in ["mrr?through=2026-03-31", "lifetime?grouping=plan", "lifetime?grouping=cohort", "clv", "stickiness"] {
                try await client.execute(uri: "/api/v1/reports/" + path, method: .get, headers: server.bearerAdmin) { #expect($0.status == .ok, "\(path)") }
            }
            try await client.execute(uri: "/api/v1/reports/lifetime?grouping=galaxy", method: .get, headers: server.bearerAdmin) {
                #expect($0.status == .badRequest)
            }
        }
    }
}
