import Foundation

/// The journey document, in JSON:
///
/// ```json
/// {"format_version": 1, "name": "Win-back", "group": "reactivation",
///  "trigger": {"segment_entered": "Valuable at risk"},
///  "entry": {"once_per_days": 90}, "holdout": 0.1,
///  "goal": {"event": "Order Completed", "within_days": 14},
///  "steps": [
///    {"id": "offer", "send": {"channel": "webhook", "template": "win-back-offer"}},
///    {"id": "three days", "wait": {"days": 3}},
///    {"id": "bought?", "branch": {"if": "count(\"Order Completed\", last 3 days) >= 1", "then": "done", "else": "reminder"}},
///    {"id": "reminder", "send": {"channel": "webhook", "template": "win-back-reminder"}},
///    {"id": "done", "exit": true}]}
/// ```
///
/// Triggers: `{"event": NAME, "where": FILTER}`, `{"segment_entered": NAME}`,
/// `{"segment_exited": NAME}`, `{"cancellation": true, "where": FILTER}`; scheduled (evaluated
/// over the snapshot): `{"inactivity": {"days": 30, "event": NAME, "where": FILTER}}`,
/// `{"date": {"trait": "birthday", "anniversary": true, "offset_days": -7}}` or
/// `{"date": {"signup": true, "offset_days": 30}}`, `{"replenishment": {"event": NAME, "where":
/// FILTER, "days_before": 10, "min_orders": 2}}`, `{"churn_risk_above": 0.6}`. Entry: `"once"`
/// (the default), `{"once_per_days": N}`, `"when_not_active"`. Steps: `wait` (`days`, `hours`,
/// `minutes`, `until` "HH:MM", or `event` with `where`, `then` and `timeout` steps and a
/// duration as the timeout), `branch` (`if` a segment expression, `then`, `else`), `split`
/// (a list of `{"share", "next"}`), `send` (`channel`, `template`, `topic`, `transactional`),
/// `update_traits` (an object), `webhook` (`url`), `exit`, `promo_code` (`pool` or `generate`
/// with `prefix` and `length`, `expires_days`, `offer`; see ``JourneyPromoCode``); each may name
/// its `next` step.
extension JourneyDefinition {
    /// Reads and validates a journey document. `knownSegments` (when given) are the saved
    /// segments its trigger and branches may name.
    public init(json: JSONValue, knownSegments: Set<String>? = nil) throws(JourneyDefinitionError) {
        let root = try JourneyDocumentObject(json, at: "", what: "a journey document (a JSON object)")
        try root.allowOnly(["format_version", "name", "description", "group", "trigger", "entry", "holdout", "goal", "steps", "target"])
        if root.has("format_version") {
            let version = try root.integer("format_version", in: 1...1_000_000)
            guard version <= Self.formatVersion else {
                throw JourneyDefinitionError(at: "format_version", "this build reads journey documents up to version \(Self.formatVersion), not \(version); upgrade Tenure")
            }
        }
        let trigger = try Self.trigger(root.members["trigger"], knownSegments: knownSegments)
        var entry = JourneyEntryRule.onceEver
        switch root.members["entry"] {
        case nil, .null, .string("once"): break
        case .string("when_not_active"): entry = .whenNotActive
        case .object:
            let o = try JourneyDocumentObject(root.members["entry"], at: "entry", what: "an entry rule")
            try o.allowOnly(["once_per_days"])
            entry = .oncePerDays(try o.integer("once_per_days", in: 1...3650))
        default:
            throw JourneyDefinitionError(at: "entry", #"must be "once", "when_not_active" or {"once_per_days": N}"#)
        }
        var goal: JourneyGoal?
        if root.has("goal") {
            let o = try JourneyDocumentObject(root.members["goal"], at: "goal", what: #"a goal such as {"event": "Order Completed", "within_days": 14}"#)
            try o.allowOnly(["event", "where", "within_days"])
            goal = JourneyGoal(event: try o.string("event"), filter: try o.filter("where"), withinDays: try o.integer("within_days", in: 1...3650))
        }
        guard case .array(let items) = root.members["steps"] else { throw JourneyDefinitionError(at: "steps", "must be a list of steps") }
        guard items.count <= JourneyDefinitionRules.maximumSteps else {
            throw JourneyDefinitionError(at: "steps", "at most \(JourneyDefinitionRules.maximumSteps) steps")
        }
        var steps: [JourneyStep] = []
        for (i, item) in items.enumerated() {
            steps.append(try Self.step(item, index: i, knownSegments: knownSegments))
        }
        var target: JourneyTarget?
        if root.has("target") {
            let t = try JourneyDocumentObject(root.members["target"], at: "target", what: #"a target such as {"top": 1000, "by": "uplift"}"#)
            try t.allowOnly(["top", "by"])
            let by = try t.optionalString("by") ?? JourneyTarget.Ranking.uplift.rawValue
            guard let ranking = JourneyTarget.Ranking(rawValue: by) else {
                throw JourneyDefinitionError(at: "target.by", #"must be "uplift" or "risk", not "\#(by)""#)
            }
            target = JourneyTarget(top: try t.integer("top", in: 1...10_000_000), by: ranking)
        }
        self.init(
            name: try root.string("name"), description: try root.optionalString("description") ?? "", group: try root.optionalString("group"),
            trigger: trigger, entry: entry, holdout: try root.optionalNumber("holdout") ?? 0.1, goal: goal, steps: steps, target: target)
        try validate()
    }

    /// Reads a journey document from JSON text.
    public init(jsonData: Data, knownSegments: Set<String>? = nil) throws(JourneyDefinitionError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(jsonData)
        } catch {
            throw JourneyDefinitionError(at: "", "the journey document is not valid JSON: \(error)")
        }
        try self.init(json: value, knownSegments: knownSegments)
    }

    private static func trigger(_ value: JSONValue?, knownSegments: Set<String>?) throws(JourneyDefinitionError) -> JourneyTrigger {
        let o = try JourneyDocumentObject(value, at: "trigger", what: #"a trigger such as {"event": "Signed Up"} or {"segment_entered": "At risk"}"#)
        let kinds = (["event", "segment_entered", "segment_exited", "cancellation"] + Self.scheduledTriggerKinds).filter(o.has)
        guard kinds.count == 1 else {
            throw JourneyDefinitionError(at: "trigger", "needs exactly one of event, segment_entered, segment_exited, cancellation, " + Self.scheduledTriggerKinds.joined(separator: ", "))
        }
        if Self.scheduledTriggerKinds.contains(kinds[0]) {
            try o.allowOnly([kinds[0]])
            return try Self.scheduledTrigger(kinds[0], o)
        }
        switch kinds[0] {
        case "event":
            try o.allowOnly(["event", "where"])
            return .event(name: try o.string("event"), filter: try o.filter("where"))
        case "cancellation":
            try o.allowOnly(["cancellation", "where"])
            guard try o.bool("cancellation") else { throw JourneyDefinitionError(at: "trigger.cancellation", "must be true") }
            return .cancellation(filter: try o.filter("where"))
        default:
            let key = kinds[0]
            try o.allowOnly([key])
            let segment = try o.string(key)
            if let knownSegments, !knownSegments.contains(segment) {
                throw JourneyDefinitionError(at: "trigger.\(key)", "there is no saved segment named \"\(segment)\"")
            }
            return key == "segment_entered" ? .segmentEntered(segment) : .segmentExited(segment)
        }
    }

    static let scheduledTriggerKinds = ["inactivity", "date", "replenishment", "churn_risk_above"]

    /// `{"inactivity": {"days", "event", "where"}}`, `{"date": {"trait" | "signup", "anniversary",
    /// "offset_days"}}`, `{"replenishment": {"event", "where", "days_before", "min_orders"}}`,
    /// `{"churn_risk_above": 0.6}`.
    private static func scheduledTrigger(_ kind: String, _ o: JourneyDocumentObject) throws(JourneyDefinitionError) -> JourneyTrigger {
        let at = o.sub(kind)
        let trigger: JourneyTrigger
        switch kind {
        case "inactivity":
            let t = try JourneyDocumentObject(o.members[kind], at: at, what: #"an inactivity trigger such as {"days": 30, "event": "Order Completed"}"#)
            try t.allowOnly(["days", "event", "where"])
            trigger = .inactivity(.init(days: try t.integer("days", in: 1...3650), event: try t.optionalString("event"), filter: try t.filter("where")))
        case "date":
            let t = try JourneyDocumentObject(o.members[kind], at: at, what: #"a date trigger such as {"trait": "birthday", "anniversary": true} or {"signup": true, "offset_days": 30}"#)
            try t.allowOnly(["trait", "signup", "anniversary", "offset_days"])
            let source: JourneyDateTrigger.Source
            switch (t.has("trait"), t.has("signup")) {
            case (true, false): source = .trait(try t.string("trait"))
            case (false, true):
                guard try t.bool("signup") else { throw JourneyDefinitionError(at: t.sub("signup"), "must be true (or name a date trait instead)") }
                source = .signup
            default: throw JourneyDefinitionError(at: at, "needs exactly one of trait (a date trait's name) and signup (true)")
            }
            trigger = .date(.init(
                source: source, anniversary: t.has("anniversary") ? try t.bool("anniversary") : false,
                offsetDays: t.has("offset_days") ? try t.integer("offset_days", in: -3650...3650) : 0))
        case "replenishment":
            let t = try JourneyDocumentObject(o.members[kind], at: at, what: #"a replenishment trigger such as {"event": "Order Completed", "days_before": 10}"#)
            try t.allowOnly(["event", "where", "days_before", "min_orders"])
            trigger = .replenishment(.init(
                event: try t.string("event"), filter: try t.filter("where"), daysBefore: try t.integer("days_before", in: 0...365),
                minOrders: t.has("min_orders") ? try t.integer("min_orders", in: 2...100) : 2))
        default:
            trigger = .churnRiskAbove(try o.number(kind))
        }
        try trigger.validate()
        return trigger
    }

    private static func branchError(_ error: SegmentExpressionError, at path: String) -> JourneyDefinitionError {
        let position = error.line.flatMap { l in error.column.map { " (line \(l), column \($0))" } } ?? ""
        return JourneyDefinitionError(at: path, error.message + position)
    }

    private static let actions = ["wait", "branch", "split", "send", "update_traits", "webhook", "exit", "promo_code"]

    private static func step(_ value: JSONValue, index: Int, knownSegments: Set<String>?) throws(JourneyDefinitionError) -> JourneyStep {
        var o = try JourneyDocumentObject(value, at: "steps[\(index)]", what: #"a step such as {"id": "welcome", "send": {...}}"#)
        let id = try o.string("id")
        o = JourneyDocumentObject(members: o.members, path: "steps[\(index)] \"\(id)\"")
        let kinds = actions.filter(o.has)
        guard kinds.count == 1, let kind = kinds.first else {
            throw JourneyDefinitionError(at: o.path, "needs exactly one of \(actions.joined(separator: ", "))")
        }
        try o.allowOnly(["id", "next", kind])
        let at = o.sub(kind)
        let action: JourneyStep.Action
        switch kind {
        case "wait":
            let w = try JourneyDocumentObject(o.members[kind], at: at, what: #"a wait such as {"days": 3}, {"until": "09:00"} or {"event": ..., "days": 7, "then": ..., "timeout": ...}"#)
            try w.allowOnly(["days", "hours", "minutes", "seconds", "until", "event", "where", "then", "timeout"])
            var seconds = 0.0
            for (unit, scale) in [("days", 86_400.0), ("hours", 3_600.0), ("minutes", 60.0), ("seconds", 1.0)] where w.has(unit) {
                let x = try w.number(unit)
                guard x >= 0 else { throw JourneyDefinitionError(at: w.sub(unit), "cannot be negative") }
                seconds += x * scale
            }
            var minute: Int?
            if let until = try w.optionalString("until") {
                let parts = until.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
                    throw JourneyDefinitionError(at: w.sub("until"), "must be a time of day as HH:MM, such as \"09:00\"")
                }
                minute = h * 60 + m
            }
            var event: JourneyWait.EventWait?
            if w.has("event") {
                event = .init(name: try w.string("event"), filter: try w.filter("where"), then: try w.string("then"), timeout: try w.string("timeout"))
            } else if let stray = ["where", "then", "timeout"].first(where: w.has) {
                throw JourneyDefinitionError(at: w.sub(stray), "only a wait for an event has \(stray)")
            }
            action = .wait(JourneyWait(seconds: seconds, untilMinuteOfDay: minute, event: event))
        case "branch":
            let b = try JourneyDocumentObject(o.members[kind], at: at, what: #"a branch such as {"if": "rfm = \"Champions\"", "then": "vip", "else": "others"}"#)
            try b.allowOnly(["if", "then", "else"])
            let condition: SegmentExpression
            switch b.members["if"] {
            case .string(let text):
                switch Result(catching: { () throws(SegmentExpressionError) in try SegmentExpression(parsing: text, knownSegments: knownSegments) }) {
                case .success(let e): condition = e
                case .failure(let error): throw Self.branchError(error, at: b.sub("if"))
                }
            case .object:
                switch Result(catching: { try JSONDecoder().decode(SegmentExpression.self, from: JSONEncoder().encode(b.members["if"]!)) }) {
                case .success(let e): condition = e
                case .failure(let error as SegmentExpressionError): throw Self.branchError(error, at: b.sub("if"))
                case .failure(let error): throw JourneyDefinitionError(at: b.sub("if"), "\(error)")
                }
                if let knownSegments, case .failure(let error) = Result(catching: { () throws(SegmentExpressionError) in try condition.validate(knownSegments: knownSegments) }) {
                    throw Self.branchError(error, at: b.sub("if"))
                }
            default:
                throw JourneyDefinitionError(at: b.sub("if"), "must be a segment expression, as text or in its JSON form")
            }
            action = .branch(condition: condition, then: try b.string("then"), otherwise: try b.string("else"))
        case "split":
            guard case .array(let items) = o.members[kind], !items.isEmpty else {
                throw JourneyDefinitionError(at: at, #"must be a list of paths such as [{"share": 0.5, "next": "a"}, {"share": 0.5, "next": "b"}]"#)
            }
            var paths: [JourneySplitPath] = []
            for (j, item) in items.enumerated() {
                let p = try JourneyDocumentObject(item, at: "\(at)[\(j)]", what: #"a path such as {"share": 0.5, "next": "a"}"#)
                try p.allowOnly(["share", "next"])
                paths.append(JourneySplitPath(share: try p.number("share"), next: try p.string("next")))
            }
            action = .split(paths)
        case "send":
            let s = try JourneyDocumentObject(o.members[kind], at: at, what: #"a message such as {"channel": "webhook", "template": "welcome"}"#)
            try s.allowOnly(["channel", "template", "topic", "transactional", "priority", "when_capped"])
            var deferWhenCapped = true
            if let capped = try s.optionalString("when_capped") {
                guard capped == "defer" || capped == "drop" else { throw JourneyDefinitionError(at: s.sub("when_capped"), #"must be "defer" or "drop""#) }
                deferWhenCapped = capped == "defer"
            }
            action = .send(JourneySend(
                channel: try s.string("channel"), template: try s.string("template"), topic: try s.optionalString("topic") ?? "marketing",
                transactional: s.has("transactional") ? try s.bool("transactional") : false,
                priority: s.has("priority") ? try s.integer("priority", in: 0...100) : 0, deferWhenCapped: deferWhenCapped))
        case "update_traits":
            guard case .object(let traits) = o.members[kind] else { throw JourneyDefinitionError(at: at, #"must be an object of traits such as {"winback_offered": true}"#) }
            action = .updateTraits(traits)
        case "webhook":
            let h = try JourneyDocumentObject(o.members[kind], at: at, what: #"a webhook such as {"url": "https://example.com/hook"}"#)
            try h.allowOnly(["url"])
            action = .webhook(url: try h.string("url"))
        case "promo_code":
            action = .promoCode(try Self.promoCode(o.members[kind], at: at))
        default:
            guard try o.bool("exit") else { throw JourneyDefinitionError(at: at, "must be true") }
            action = .exit
        }
        return JourneyStep(id: id, action, next: try o.optionalString("next"))
    }

    /// The canonical document (what the store keeps and the API returns).
    public var json: JSONValue {
        var root: [String: JSONValue] = [
            "format_version": .number(Double(Self.formatVersion)), "name": .string(name), "holdout": .number(holdout),
            "trigger": Self.json(trigger), "steps": .array(steps.map(Self.json)),
        ]
        if !description.isEmpty { root["description"] = .string(description) }
        if let group { root["group"] = .string(group) }
        switch entry {
        case .onceEver: root["entry"] = "once"
        case .whenNotActive: root["entry"] = "when_not_active"
        case .oncePerDays(let d): root["entry"] = ["once_per_days": .number(Double(d))]
        }
        if let goal {
            var g: [String: JSONValue] = ["event": .string(goal.event), "within_days": .number(Double(goal.withinDays))]
            if !goal.filter.isEmpty { g["where"] = Self.filterText(goal.filter) }
            root["goal"] = .object(g)
        }
        if let target { root["target"] = ["top": .number(Double(target.top)), "by": .string(target.by.rawValue)] }
        return .object(root)
    }

    /// The canonical document as JSON text, keys sorted.
    public var jsonData: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(json)) ?? Data()
    }

    private static func filterText(_ filter: [SegmentPropertyCondition]) -> JSONValue {
        .string(filter.map(\.description).joined(separator: " and "))
    }

    private static func json(_ trigger: JourneyTrigger) -> JSONValue {
        switch trigger {
        case .event(let name, let filter):
            filter.isEmpty ? ["event": .string(name)] : ["event": .string(name), "where": filterText(filter)]
        case .segmentEntered(let s): ["segment_entered": .string(s)]
        case .segmentExited(let s): ["segment_exited": .string(s)]
        case .cancellation(let filter): filter.isEmpty ? ["cancellation": true] : ["cancellation": true, "where": filterText(filter)]
        case .inactivity(let t):
            ["inactivity": .object(
                ["days": .number(Double(t.days))].merging(t.event.map { ["event": .string($0)] } ?? [:]) { a, _ in a }
                    .merging(t.filter.isEmpty ? [:] : ["where": filterText(t.filter)]) { a, _ in a })]
        case .date(let t):
            ["date": .object(
                (t.source == .signup ? ["signup": true] : ["trait": .string({ if case .trait(let n) = t.source { n } else { "" } }())])
                    .merging(["anniversary": .bool(t.anniversary), "offset_days": .number(Double(t.offsetDays))]) { a, _ in a })]
        case .replenishment(let t):
            ["replenishment": .object(
                ["event": .string(t.event), "days_before": .number(Double(t.daysBefore)), "min_orders": .number(Double(t.minOrders))]
                    .merging(t.filter.isEmpty ? [:] : ["where": filterText(t.filter)]) { a, _ in a })]
        case .churnRiskAbove(let threshold): ["churn_risk_above": .number(threshold)]
        }
    }

    private static func json(_ step: JourneyStep) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(step.id)]
        if let next = step.next { o["next"] = .string(next) }
        switch step.action {
        case .wait(let w):
            var m: [String: JSONValue] = [:]
            if w.seconds > 0 { m["seconds"] = .number(w.seconds) }
            if let minute = w.untilMinuteOfDay { m["until"] = .string(String(format: "%02d:%02d", minute / 60, minute % 60)) }
            if let e = w.event {
                m["event"] = .string(e.name)
                m["then"] = .string(e.then)
                m["timeout"] = .string(e.timeout)
                if !e.filter.isEmpty { m["where"] = filterText(e.filter) }
            }
            o["wait"] = .object(m)
        case .branch(let condition, let then, let otherwise):
            o["branch"] = ["if": .string(condition.description), "then": .string(then), "else": .string(otherwise)]
        case .split(let paths):
            o["split"] = .array(paths.map { ["share": .number($0.share), "next": .string($0.next)] })
        case .send(let s):
            var send: [String: JSONValue] = ["channel": .string(s.channel), "template": .string(s.template), "topic": .string(s.topic), "transactional": .bool(s.transactional)]
            if s.priority != 0 { send["priority"] = .number(Double(s.priority)) }
            if !s.deferWhenCapped { send["when_capped"] = "drop" }
            o["send"] = .object(send)
        case .updateTraits(let traits):
            o["update_traits"] = .object(traits)
        case .webhook(let url):
            o["webhook"] = ["url": .string(url)]
        case .exit:
            o["exit"] = true
        case .promoCode(let promo):
            o["promo_code"] = json(promo)
        }
        return .object(o)
    }
}
