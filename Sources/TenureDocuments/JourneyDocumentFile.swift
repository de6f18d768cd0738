import Foundation
import TenureCore

/// A journey document as a file or a request body: JSON, or YAML read as the same JSON.
public enum JourneyDocumentFile {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case json
        case yaml

        /// The format a file name says (`.json`, `.yaml`, `.yml`), if it says one.
        public init?(fileName: String) {
            switch (fileName as NSString).pathExtension.lowercased() {
            case "json": self = .json
            case "yaml", "yml": self = .yaml
            default: return nil
            }
        }

        /// The format a media type says (`application/json`, `application/yaml`, `text/yaml`,
        /// `application/x-yaml`), if it says one.
        public init?(mediaType: String) {
            let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            switch type {
            case "application/json": self = .json
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml": self = .yaml
            default: return nil
            }
        }

        /// JSON when the first character that is not white space is `{`, else YAML.
        public static func sniff(_ text: String) -> Format {
            text.first { !$0.isWhitespace } == "{" ? .json : .yaml
        }
    }

    /// The document's JSON value.
    public static func json(from text: String, format: Format? = nil) throws(JourneyDocumentFileError) -> JSONValue {
        switch format ?? Format.sniff(text) {
        case .json:
            do {
                return try JSONParser.parse(Data(text.utf8))
            } catch {
                throw .json("\(error)")
            }
        case .yaml:
            do {
                return try YAMLDocument.parse(text)
            } catch {
                throw .yaml(error)
            }
        }
    }

    /// Reads and validates a journey document.
    public static func definition(
        from data: Data, format: Format? = nil, knownSegments: Set<String>? = nil
    ) throws(JourneyDocumentFileError) -> JourneyDefinition {
        guard data.count <= YAMLDocument.maximumBytes else { throw .tooLarge(YAMLDocument.maximumBytes) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        let json = try json(from: text, format: format)
        do {
            return try JourneyDefinition(json: json, knownSegments: knownSegments)
        } catch {
            throw .journey(error)
        }
    }

    /// The order keys are written in, for a document a person reads.
    public static let keyOrder = [
        "format_version", "name", "description", "group", "trigger", "entry", "holdout", "goal", "target", "top", "by", "steps",
        "id", "event", "where", "within_days", "days", "hours", "minutes", "seconds", "until", "then", "else", "timeout", "if",
        "channel", "template", "topic", "transactional", "priority", "when_capped", "share", "next",
    ]

    /// The document in a format: JSON (keys sorted, pretty) or YAML (keys in document order).
    public static func text(of definition: JourneyDefinition, format: Format) -> String {
        switch format {
        case .yaml:
            return YAMLWriter.string(definition.json, keyOrder: keyOrder)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(definition.json)) ?? Data(), as: UTF8.self) + "\n"
        }
    }
}

/// Why a journey document could not be read.
public enum JourneyDocumentFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case notUTF8
    case tooLarge(Int)
    case json(String)
    case yaml(YAMLDocumentError)
    case journey(JourneyDefinitionError)

    public var description: String {
        switch self {
        case .notUTF8: "the document is not valid UTF-8"
        case .tooLarge(let bytes): "the document is larger than \(bytes / 1024) KiB"
        case .json(let problem): "the document is not valid JSON: \(problem)"
        case .yaml(let error): "the document is not valid YAML: \(error)"
        case .journey(let error): "\(error)"
        }
    }
}
