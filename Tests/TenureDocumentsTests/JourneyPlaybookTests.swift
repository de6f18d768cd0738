import Foundation
import TenureCore
import TenureDocuments
import Testing

@Suite("Shipped playbooks")
struct JourneyPlaybookTests {
    @Test("every playbook is listed once, for every industry it names, and reads as a valid journey")
    func everyPlaybookValidates() throws {
        #expect(Set(JourneyPlaybook.all.map(\.id)) == ["onboarding", "replenishment", "win-back", "exit-survey", "post-purchase", "loyalty-upgrade"])
        for playbook in JourneyPlaybook.all {
            #expect(playbook.industries.contains(.d2c))
            for industry in JourneyIndustry.allCases {
                let definition = try playbook.definition(for: industry, knownSegments: [])
                #expect(!definition.steps.isEmpty)
                #expect(definition.holdout == 0.1, "\(playbook.id) \(industry): every shipped journey keeps a 10% holdout")
                // The segments it names are the ones it brings.
                #expect(definition.segments.isSubset(of: Set(playbook.segments.keys)), "\(playbook.id) \(industry)")
                for (name, text) in playbook.segments {
                    #expect(throws: Never.self, "\(name)") { try SegmentExpression(parsing: text, knownSegments: Set(playbook.segments.keys)) }
                }
            }
        }
    }

    @Test("the industry variants differ where they should: games are the strictest")
    func industryVariants() throws {
        let winBack = try #require(JourneyPlaybook.named("winback"))
        let games = try winBack.definition(for: .games, knownSegments: [])
        let d2c = try winBack.definition(for: .d2c, knownSegments: [])
        #expect(games.trigger != d2c.trigger)
        func sends(_ d: JourneyDefinition) -> Int { d.steps.filter { $0.kind == "send" }.count }
        for playbook in JourneyPlaybook.all {
            let g = try playbook.definition(for: .games, knownSegments: [])
            let base = try playbook.definition(for: .d2c, knownSegments: [])
            #expect(sends(g) <= 2, "\(playbook.id): games send at most two messages per entry")
            #expect(sends(g) <= sends(base), "\(playbook.id)")
        }
        // The D2C win-back hands out a unique code before its offer.
        let kinds = d2c.steps.map(\.kind)
        let code = try #require(kinds.firstIndex(of: "promo_code"))
        let offer = try #require(kinds.firstIndex(of: "send"))
        #expect(code < offer)
    }

    @Test("install options replace every send's channel and the name")
    func options() throws {
        let definition = try JourneyPlaybook.onboarding.definition(for: .ecommerce, channel: "email", name: "Welcome <b>series</b>", knownSegments: [])
        #expect(definition.name == "Welcome <b>series</b>")
        for step in definition.steps {
            if case .send(let send) = step.action { #expect(send.channel == "email") }
        }
    }

    @Test("a playbook written out as YAML reads back as the same journey")
    func yamlRoundTrip() throws {
        for playbook in JourneyPlaybook.all {
            for industry in playbook.industries {
                let definition = try playbook.definition(for: industry, knownSegments: [])
                let yaml = JourneyDocumentFile.text(of: definition, format: .yaml)
                let again = try JourneyDocumentFile.definition(from: Data(yaml.utf8), format: .yaml, knownSegments: Set(playbook.segments.keys))
                #expect(again == definition, "\(playbook.id) \(industry):\n\(yaml)")
                let json = JourneyDocumentFile.text(of: definition, format: .json)
                #expect(try JourneyDocumentFile.definition(from: Data(json.utf8), knownSegments: Set(playbook.segments.keys)) == definition)
            }
        }
    }

    @Test("a YAML journey's errors name the step and field, or the line")
    func errors() throws {
        let bad = """
            name: Welcome
            trigger: {event: Signed Up}
            steps:
              - id: hello
                send: {channel: webhook}
            """
        let error = try #require(#expect(throws: JourneyDocumentFileError.self) { try JourneyDocumentFile.definition(from: Data(bad.utf8), format: .yaml) })
        guard case .journey(let e) = error else { Issue.record("expected a journey error, got \(error)"); return }
        #expect(e.path == #"steps[0] "hello".send.template"#)
        let broken = "name: Welcome\ntrigger: {event: Signed Up\n"
        let syntax = try #require(#expect(throws: JourneyDocumentFileError.self) { try JourneyDocumentFile.definition(from: Data(broken.utf8), format: .yaml) })
        guard case .yaml(let y) = syntax else { Issue.record("expected a YAML error, got \(syntax)"); return }
        #expect(y.line != nil)
        // A file without an extension is sniffed: JSON when it starts with a brace.
        #expect(JourneyDocumentFile.Format.sniff("  {\"name\": 1}") == .json)
        #expect(JourneyDocumentFile.Format.sniff("name: x") == .yaml)
        #expect(JourneyDocumentFile.Format(mediaType: "application/yaml; charset=utf-8") == .yaml)
        #expect(JourneyDocumentFile.Format(fileName: "win-back.YML") == .yaml)
    }
}
