/// Names, places and reasons the simulated customers are drawn from.
enum SimulationVocabulary {
    static let firstNames = [
        "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Mia", "Lucas", "Ava", "Mateo",
        "Isla", "Leo", "Priya", "Arjun", "Yuki", "Hiro", "Chloé", "Louis", "Lena", "Jonas", "Sofía", "Diego",
        "Aisha", "Omar", "Grace", "Ethan", "Zoe", "Finn", "Maya", "Kai", "Nora", "Felix", "Ana", "João",
    ]
    static let lastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Lopez",
        "Wilson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright",
        "Patel", "Sharma", "Tanaka", "Sato", "Dubois", "Bernard", "Müller", "Schmidt", "Silva", "Santos", "Kim",
    ]

    struct Place {
        let city: String
        let country: String
        let timeZone: String
        let weight: Double
    }

    static let places: [Place] = [
        Place(city: "New York", country: "US", timeZone: "America/New_York", weight: 14),
        Place(city: "Los Angeles", country: "US", timeZone: "America/Los_Angeles", weight: 10),
        Place(city: "Chicago", country: "US", timeZone: "America/Chicago", weight: 7),
        Place(city: "Houston", country: "US", timeZone: "America/Chicago", weight: 5),
        Place(city: "Denver", country: "US", timeZone: "America/Denver", weight: 3),
        Place(city: "Seattle", country: "US", timeZone: "America/Los_Angeles", weight: 4),
        Place(city: "Atlanta", country: "US", timeZone: "America/New_York", weight: 4),
        Place(city: "Toronto", country: "CA", timeZone: "America/Toronto", weight: 5),
        Place(city: "Vancouver", country: "CA", timeZone: "America/Vancouver", weight: 2),
        Place(city: "London", country: "GB", timeZone: "Europe/London", weight: 8),
        Place(city: "Manchester", country: "GB", timeZone: "Europe/London", weight: 3),
        Place(city: "Berlin", country: "DE", timeZone: "Europe/Berlin", weight: 4),
        Place(city: "Paris", country: "FR", timeZone: "Europe/Paris", weight: 4),
        Place(city: "Madrid", country: "ES", timeZone: "Europe/Madrid", weight: 2),
        Place(city: "Amsterdam", country: "NL", timeZone: "Europe/Amsterdam", weight: 2),
        Place(city: "Sydney", country: "AU", timeZone: "Australia/Sydney", weight: 3),
        Place(city: "Mumbai", country: "IN", timeZone: "Asia/Kolkata", weight: 3),
        Place(city: "Tokyo", country: "JP", timeZone: "Asia/Tokyo", weight: 3),
        Place(city: "São Paulo", country: "BR", timeZone: "America/Sao_Paulo", weight: 3),
        Place(city: "Mexico City", country: "MX", timeZone: "America/Mexico_City", weight: 2),
    ]

    static let cancellationReasons = [
        "too expensive", "not using it enough", "found an alternative", "quality issues", "delivery problems",
        "poor customer service", "other",
    ]
    static let detractorReasons = ["price", "product quality", "delivery", "customer service", "app experience"]
    static let passiveReasons = ["price", "selection", "delivery", "fine overall"]
    static let promoterReasons = ["product quality", "convenience", "value", "customer service"]
    static let complaintChannels = ["email", "chat", "phone"]
}
