import TenureCore
import Testing

/// Each construct of the text form, parsed to the expected AST and printed back canonically.
@Suite("Segment expressions: the text form")
struct SegmentExpressionParserTests {
    static let example =
        #"rfm in ["At risk", "Can't lose them"] and churn_risk >= 0.6 and clv_52w > 100 and count("Order Completed", last 90 days) >= 2 and not trait("plan") = "free""#

    func parse(_ text: String) throws -> SegmentExpression { try SegmentExpressionParser.parse(text) }

    func condition(_ operand: SegmentOperand, _ predicate: SegmentPredicate) -> SegmentExpression {
        .condition(SegmentCondition(operand, predicate))
    }

    /// Parses `text`, expects `ast`, and expects it to print as `printed` (the text itself by default).
    func check(_ text: String, _ ast: SegmentExpression, printed: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = try parse(text)
        #expect(parsed == ast, sourceLocation: sourceLocation)
        #expect(parsed.description == (printed ?? text), sourceLocation: sourceLocation)
        #expect(try parse(parsed.description) == ast, sourceLocation: sourceLocation)
    }

    @Test("the issue's example")
    func issueExample() throws {
        let expected = SegmentExpression.and([
            condition(.metric(.rfm), .isIn([.string("At risk"), .string("Can't lose them")])),
            condition(.metric(.churnRisk), .compare(.greaterOrEqual, .number(0.6))),
            condition(.metric(.clv52w), .compare(.greater, .number(100))),
            condition(.event(SegmentEventAggregate(.count, of: "Order Completed", over: .lastDays(90))), .compare(.greaterOrEqual, .number(2))),
            .not(condition(.trait("plan"), .compare(.equal, .string("free")))),
        ])
        try check(Self.example, expected)
        try expected.validate()
    }

    @Test("every metric, with its type", arguments: SegmentMetric.allCases)
    func metrics(_ metric: SegmentMetric) throws {
        let value: SegmentLiteral =
            switch metric {
            case .rfm: .string("Champions")
            case .lifecycle: .string("resurrecting")
            case .rScore, .fScore, .mScore: .number(4)
            case .churnRisk, .pAlive: .number(0.25)
            default: .number(30)
            }
        let op: SegmentComparison = metric.valueType == .string ? .equal : .greaterOrEqual
        try check("\(metric.name) \(op.rawValue) \(value)", condition(.metric(metric), .compare(op, value)))
        #expect(metric.valueType == (metric == .rfm || metric == .lifecycle ? .string : .number))
    }

    @Test("the categorical metrics take the names of the analytics code")
    func categoricalNames() throws {
        #expect(SegmentMetric.rfm.allowedValues == RFMSegment.allCases.map(\.displayName))
        #expect(SegmentMetric.lifecycle.allowedValues == ["new", "returning", "resurrecting", "dormant"])
        for name in RFMSegment.allCases.map(\.displayName) {
            try check("rfm = \(SegmentLiteral.string(name))", condition(.metric(.rfm), .compare(.equal, .string(name))))
        }
        try check(#"lifecycle in ["new", "dormant"]"#, condition(.metric(.lifecycle), .isIn([.string("new"), .string("dormant")])))
        try check(#"rfm != "Lost""#, condition(.metric(.rfm), .compare(.notEqual, .string("Lost"))))
        try check(#"rfm contains "risk""#, condition(.metric(.rfm), .contains("risk")))
    }

    @Test("traits of every type, and their tests")
    func traits() throws {
        try check(#"trait("plan") = "free""#, condition(.trait("plan"), .compare(.equal, .string("free"))))
        try check(#"trait("age") > 30"#, condition(.trait("age"), .compare(.greater, .number(30))))
        try check(#"trait("vip") = true"#, condition(.trait("vip"), .compare(.equal, .boolean(true))))
        try check(#"trait("beta") != false"#, condition(.trait("beta"), .compare(.notEqual, .boolean(false))))
        let signup = try #require(SegmentDate(year: 2026, month: 1, day: 1))
        try check(#"trait("signup") < 2026-01-01"#, condition(.trait("signup"), .compare(.less, .date(signup))))
        try check(#"trait("signup") >= 30 days ago"#, condition(.trait("signup"), .compare(.greaterOrEqual, .date(.daysAgo(30)))))
        try check(#"trait("email") exists"#, condition(.trait("email"), .exists))
        try check(#"trait("email") missing"#, condition(.trait("email"), .missing))
        try check(#"trait("email") contains "@gmail""#, condition(.trait("email"), .contains("@gmail")))
        try check(#"trait("name") starts with "Ann""#, condition(.trait("name"), .startsWith("Ann")))
        try check(#"trait("plan") in ["pro", "team"]"#, condition(.trait("plan"), .isIn([.string("pro"), .string("team")])))
        try check(#"trait("seats") in [1, 5, 10]"#, condition(.trait("seats"), .isIn([.number(1), .number(5), .number(10)])))
        #expect(SegmentCondition(.trait("age"), .compare(.greater, .number(30))).comparedType == .number)
        #expect(SegmentCondition(.trait("age"), .exists).comparedType == nil)
    }

    @Test("event aggregates over each window, with and without a property filter")
    func aggregates() throws {
        let order = "Order Completed"
        func agg(_ f: SegmentEventAggregate.Function, _ w: SegmentWindow, _ filter: [SegmentPropertyCondition] = []) -> SegmentOperand {
            .event(SegmentEventAggregate(f, of: order, over: w, where: filter))
        }
        try check(#"count("Order Completed", last 90 days) >= 2"#, condition(agg(.count, .lastDays(90)), .compare(.greaterOrEqual, .number(2))))
        try check(#"count("Order Completed", last 1 day) = 0"#, condition(agg(.count, .lastDays(1)), .compare(.equal, .number(0))))
        try check(#"count("Order Completed", ever) in [1, 2]"#, condition(agg(.count, .ever), .isIn([.number(1), .number(2)])))
        let jan = try #require(SegmentDate(isoString: "2026-01-01"))
        let mar = try #require(SegmentDate(isoString: "2026-03-31"))
        try check(
            #"sum("Order Completed", revenue, between 2026-01-01 and 2026-03-31) > 100"#,
            condition(agg(.sum(property: "revenue"), .between(jan, mar)), .compare(.greater, .number(100))))
        try check(
            #"sum("Order Completed", "net revenue", between 60 days ago and today) > 100"#,
            condition(agg(.sum(property: "net revenue"), .between(.daysAgo(60), .daysAgo(0))), .compare(.greater, .number(100))))
        try check(
            #"first_time("Order Completed", ever) < 2026-01-01"#, condition(agg(.firstTime, .ever), .compare(.less, .date(jan))))
        try check(
            #"last_time("Order Completed", last 365 days) <= 30 days ago"#,
            condition(agg(.lastTime, .lastDays(365)), .compare(.lessOrEqual, .date(.daysAgo(30)))))
        let filter = [
            SegmentPropertyCondition("category", .compare(.equal, .string("tea"))),
            SegmentPropertyCondition("price", .compare(.greater, .number(5))),
            SegmentPropertyCondition("Product Name", .startsWith("Earl")),
            SegmentPropertyCondition("coupon", .missing),
            SegmentPropertyCondition("count", .isIn([.string("a")])),
        ]
        try check(
            #"count("Order Completed", last 90 days, where category = "tea" and price > 5 and "Product Name" starts with "Earl" and coupon missing and "count" in ["a"]) >= 2"#,
            condition(agg(.count, .lastDays(90), filter), .compare(.greaterOrEqual, .number(2))))
        // A keyword as a bare property name reads as the property; the printer quotes it.
        try check(
            #"count("Order Completed", ever, where count = 1) > 0"#,
            condition(agg(.count, .ever, [SegmentPropertyCondition("count", .compare(.equal, .number(1)))]), .compare(.greater, .number(0))),
            printed: #"count("Order Completed", ever, where "count" = 1) > 0"#)
        #expect(SegmentEventAggregate(.firstTime, of: order, over: .ever).valueType == .date)
        #expect(SegmentEventAggregate(.sum(property: "revenue"), of: order, over: .ever).valueType == .number)
    }

    @Test("membership of another segment")
    func segments() throws {
        try check(#"in segment "Tea lovers""#, .inSegment("Tea lovers"))
        try check(#"not in segment "VIP""#, .not(.inSegment("VIP")))
    }

    @Test("not binds tighter than and, and tighter than or; parentheses group")
    func precedence() throws {
        let a = condition(.metric(.recency), .compare(.greater, .number(1)))
        let b = condition(.metric(.frequency), .compare(.greater, .number(2)))
        let c = condition(.metric(.monetary), .compare(.greater, .number(3)))
        try check("recency > 1 or frequency > 2 and monetary > 3", .or([a, .and([b, c])]))
        try check("(recency > 1 or frequency > 2) and monetary > 3", .and([.or([a, b]), c]))
        try check("not recency > 1 and frequency > 2", .and([.not(a), b]))
        try check("not (recency > 1 and frequency > 2)", .not(.and([a, b])))
        try check("not not recency > 1", .not(.not(a)))
        try check("recency > 1 and frequency > 2 and monetary > 3", .and([a, b, c]))
        // Grouping written by the user is kept, and redundant parentheses are dropped.
        try check("(recency > 1 and frequency > 2) and monetary > 3", .and([.and([a, b]), c]))
        try check("recency > 1 or (frequency > 2 or monetary > 3)", .or([a, .or([b, c])]))
        try check(
            "((recency > 1)) or (frequency > 2 and monetary > 3)", .or([a, .and([b, c])]), printed: "recency > 1 or frequency > 2 and monetary > 3")
        try check("(not recency > 1)", .not(a), printed: "not recency > 1")
    }

    @Test("keywords and metric names ignore case; names do not")
    func caseInsensitiveKeywords() throws {
        let parsed = try parse(#"CHURN_RISK >= 0.6 AND Not TRAIT("Plan") = "Free" Or Count("Signup", EVER) > 0"#)
        #expect(
            parsed
                == .or([
                    .and([
                        condition(.metric(.churnRisk), .compare(.greaterOrEqual, .number(0.6))),
                        .not(condition(.trait("Plan"), .compare(.equal, .string("Free")))),
                    ]),
                    condition(.event(SegmentEventAggregate(.count, of: "Signup", over: .ever)), .compare(.greater, .number(0))),
                ]))
        #expect(parsed.description == #"churn_risk >= 0.6 and not trait("Plan") = "Free" or count("Signup", ever) > 0"#)
    }

    @Test("string escapes, numbers, dates and operator spellings")
    func literals() throws {
        try check(#"trait("q") = "say \"hi\" \\ \n\t\r""#, condition(.trait("q"), .compare(.equal, .string("say \"hi\" \\ \n\t\r"))))
        try check(#"trait("q") = "\u{1F600}\u{7}""#, condition(.trait("q"), .compare(.equal, .string("😀\u{7}"))), printed: #"trait("q") = "😀\u{7}""#)
        try check(#"trait("q") = "Can't""#, condition(.trait("q"), .compare(.equal, .string("Can't"))))
        try check(#"trait("n") = -12.5"#, condition(.trait("n"), .compare(.equal, .number(-12.5))))
        try check(#"trait("n") = 1e-07"#, condition(.trait("n"), .compare(.equal, .number(1e-7))))
        try check(#"trait("n") = 2.5E+3"#, condition(.trait("n"), .compare(.equal, .number(2500))), printed: #"trait("n") = 2500"#)
        try check(#"trait("n") == 100.0"#, condition(.trait("n"), .compare(.equal, .number(100))), printed: #"trait("n") = 100"#)
        try check(#"trait("d") = 1 day ago"#, condition(.trait("d"), .compare(.equal, .date(.daysAgo(1)))))
        try check(#"trait("d") = 0 days ago"#, condition(.trait("d"), .compare(.equal, .date(.daysAgo(0)))), printed: #"trait("d") = today"#)
        try check(
            #"trait("d") >= 2024-02-29"#, condition(.trait("d"), .compare(.greaterOrEqual, .date(.day(DayNumber.day(year: 2024, month: 2, day: 29)))))
        )
        for op in SegmentComparison.allCases {
            try check("recency \(op.rawValue) 7", condition(.metric(.recency), .compare(op, .number(7))))
        }
    }

    @Test("not in: sugar for not … in")
    func notIn() throws {
        try check(
            #"rfm not in ["Lost", "Hibernating"]"#, .not(condition(.metric(.rfm), .isIn([.string("Lost"), .string("Hibernating")]))),
            printed: #"not rfm in ["Lost", "Hibernating"]"#)
    }

    @Test("whitespace and line breaks anywhere between tokens")
    func layout() throws {
        let text = "churn_risk>=0.6\r\n\tand\n  count( \"Order Completed\" ,last 90 days )>=2\u{00A0}"
        #expect(try parse(text).description == #"churn_risk >= 0.6 and count("Order Completed", last 90 days) >= 2"#)
        #expect(try SegmentExpression(parsing: "recency < 30") == condition(.metric(.recency), .compare(.less, .number(30))))
        #expect(try parse("recency < 30").formatted() == "recency < 30")
    }
}
