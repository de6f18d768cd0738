import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TenureCore
import TenureStore

/// The reports API's options: event selectors, cohort kinds and modes, RFM lookback and movement,
/// and a 400 naming the parameter for every bad value.
@Suite struct ReportParametersRoutesTests {
    // a: orders 01-05 (10) and 03-03 (20), a session 02-10
    // b: a session 01-20, an order 02-14 (5)
    // c: an order 02-02 (8)
    static func seeded() async throws -> TestServer {
        func event(_ id: String, _ user: String, _ name: String, _ day: String, _ total: Double? = nil) -> Message {
            Message(
                kind: .track, messageId: id, userId: user, name: name, timestamp: ISO8601Timestamp.parse(day)!,
                properties: total.map { ["total": .number($0)] } ?? [:])
        }
        let server = try await TestServer()
        _ = try await server.store.ingest([[
            event("1", "a", "Order Completed", "2026-01-05", 10), event("2", "a", "Session Started", "2026-02-10"),
            event("3", "a", "Order Completed", "2026-03-03", 20), event("4", "b", "Session Started", "2026-01-20"),
            event("5", "b", "Order Completed", "2026-02-14", 5), event("6", "c", "Order Completed", "2026-02-02", 8),
        ]])
        return server
    }

    static func matrix(_ client: some TestClientProtocol, _ server: TestServer, _ query: String) async throws -> CohortRetentionMatrix {
        try await client.execute(uri: "/api/v1/reports/cohorts?" + query, method: .get, headers: server.bearerAdmin) { response in
            #expect(response.status == .ok, "\(query)")
            return try decode(CohortRetentionMatrix.self, response.body)
        }
    }

    @Test func cohortsTakeStartAndReturnEventsKindAndMode() async throws {
        let server = try await Self.seeded()
        try await server.run { client in
            // Given purchases as start and return (the default), monthly:
            let plain = try await Self.matrix(client, server, "unit=month")
            let january = try #require(plain.cohorts.first)
            #expect(january.period.label == "2026-01" && january.size == 1 && january.counts == [1, 0, 1])
            #expect(january.percentages == [100, 0, 100])
            #expect(january.revenue[2] == 20)
            // March had not ended on the last event day: its cell is flagged.
            #expect(january.incomplete == [false, false, true])

            // Any event starts a cohort; a session is the return.
            let sessions = try await Self.matrix(client, server, "start=any&return=Session%20Started")
            #expect(sessions.query.startEvent == .any)
            #expect(sessions.cohorts.first?.size == 2 && sessions.cohorts.first?.counts.prefix(2) == [2, 1])

            // On or after: a's March order counts in February's cell too.
            let onOrAfter = try await Self.matrix(client, server, "mode=on_or_after")
            #expect(onOrAfter.cohorts.first?.counts == [1, 1, 1])

            // Recurring: a is in January's and March's cohorts.
            let recurring = try await Self.matrix(client, server, "kind=recurring&mode=exact&start=purchase&return=purchases")
            #expect(recurring.cohorts.map(\.size) == [1, 2, 1])
        }
    }

    @Test func rfmLookbackAndMovementBetweenTwoDates() async throws {
        let server = try await Self.seeded()
        struct Summary: Decodable {
            var asOf: String
            var lookbackDays: Int?
            var customers: Int
            var grid: [[Int]]
        }
        struct Movement: Decodable {
            struct Move: Decodable { var from: String; var to: String; var customers: Int }
            var from: String
            var to: String
            var labels: [String]
            var counts: [[Int]]
            var moves: [Move]
        }
        try await server.run { client in
            try await client.execute(uri: "/api/v1/reports/rfm?lookback=5", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
                let summary = try decode(Summary.self, response.body)
                // Only a bought within 5 days of 2026-03-03.
                #expect(summary.asOf == "2026-03-03" && summary.lookbackDays == 5 && summary.customers == 1)
            }
            try await client.execute(
                uri: "/api/v1/reports/rfm/movement?from=2026-01-31&to=2026-03-03", method: .get, headers: server.bearerAdmin
            ) { response in
                #expect(response.status == .ok)
                let movement = try decode(Movement.self, response.body)
                #expect(movement.from == "2026-01-31" && movement.to == "2026-03-03")
                #expect(movement.labels.last == "Not scored" && movement.labels.count == RFMSegment.allCases.count + 1)
                // a was scored at both dates; b and c bought in February.
                #expect(movement.counts.flatMap { $0 }.reduce(0, +) == 3)
                #expect(movement.counts.last?.reduce(0, +) == 2)
                #expect(movement.moves.map(\.customers).reduce(0, +) == 3)
                #expect(movement.moves.map(\.customers) == movement.moves.map(\.customers).sorted(by: >))
            }
            for path in ["stickiness?activity=Session%20Started&unit=week", "stickiness?activity=purchase", "lifetime?window=30&grouping=cohort"] {
                try await client.execute(uri: "/api/v1/reports/" + path, method: .get, headers: server.bearerAdmin) { #expect($0.status == .ok, "\(path)") }
            }
        }
    }

    @Test func everyBadParameterIsNamed() async throws {
        let server = try await Self.seeded()
        try await server.run { client in
            for (path, field) in [
                ("cohorts?kind=weekly", "kind"), ("cohorts?mode=later", "mode"), ("cohorts?start=Nope", "start"),
                ("cohorts?return=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "return"), ("cohorts?unit=fortnight", "unit"),
                ("rfm?lookback=0", "lookback"), ("rfm?lookback=abc", "lookback"), ("rfm/movement", "from"),
                ("rfm/movement?from=2026-03-01&to=2026-02-01", "from"), ("rfm/movement?from=2026-02-01&to=soon", "to"),
                ("stickiness?activity=Nope", "activity"), ("lifetime?window=-1", "window"), ("churn?through=never", "through"),
            ] {
                try await client.execute(uri: "/api/v1/reports/" + path, method: .get, headers: server.bearerAdmin) { response in
                    #expect(response.status == .badRequest, "\(path)")
                    let body = try decode(ErrorBody.self, response.body)
                    #expect(body.code == "invalid_parameter" && body.field == field, "\(path): \(body.message)")
                    #expect(!body.message.contains("<script>") && !body.message.contains("Nope"))
                }
            }
        }
    }
}

/// One event dated 1970 (stored by an older build or an import of history) must not disable the
/// reports' defaults, and a range too wide is a 400 that says what to change.
@Suite struct ReportDefaultRangeRoutesTests {
    @Test func oneOldEventLeavesEveryDefaultReportAnswering() async throws {
        let server = try await ReportParametersRoutesTests.seeded()
        _ = try await server.store.ingest([[
            Message(kind: .track, messageId: "old", userId: "z", name: "Session Started", timestamp: ISO8601Timestamp.parse("1970-01-01")!)
        ]])
        try await server.run { client in
            for report in ["cohorts", "churn", "rfm", "lifecycle", "purchases", "stickiness", "clv", "lifetime", "mrr", "subscriptions/churn"] {
                try await client.execute(uri: "/api/v1/reports/" + report, method: .get, headers: server.bearerAdmin) { response in
                    #expect(response.status == .ok, "\(report): \(String(buffer: response.body))")
                }
            }
            let cohorts = try await ReportParametersRoutesTests.matrix(client, server, "unit=month")
            #expect(cohorts.cohorts.first?.period.label == "2026-01", "the default starts with the data, not in 1970")
            try await client.execute(
                uri: "/api/v1/reports/churn?from=1900-01-01&through=2026-03-01", method: .get, headers: server.bearerAdmin
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains(#""field":"from""#) && text.contains("20 years") && text.contains("narrow the range"))
            }
            // An explicit `through` alone reaches back at most 20 years, within the data.
            try await client.execute(uri: "/api/v1/reports/churn?through=2026-02-28", method: .get, headers: server.bearerAdmin) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
