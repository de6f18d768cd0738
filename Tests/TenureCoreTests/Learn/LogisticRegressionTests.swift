import Foundation
import Testing
import TenureCore

@Suite("Logistic regression")
struct LogisticRegressionTests {
    @Test func recoversTheGeneratingCoefficients() throws {
        // Given 20,000 customers from log-odds 0.5 + 2 x0 − 1 x1 + 0 x2 (standard normal features)
        let (x, y) = LearnTestSupport.logisticData(n: 20_000, seed: 11, weights: [2, -1, 0], intercept: 0.5)
        // When fitting with a negligible penalty
        let model = try LogisticRegressionModel.fit(x, labels: y, options: .init(l2: 1e-6))
        // Then coefficients per standard deviation are close to the truth (std ≈ 1).
        let scales = model.encoding.terms.map(\.scale)
        #expect(abs(model.coefficients[0] / scales[0] - 2) < 0.1)
        #expect(abs(model.coefficients[1] / scales[1] + 1) < 0.07)
        #expect(abs(model.coefficients[2]) < 0.07)
        #expect(model.iterations < 15)
    }

    @Test func standardizesImputesAndOneHotEncodes() throws {
        let x = FeatureMatrix(columns: [
            (FeatureMatrix.Feature(name: "charges"), [10, 20, .nan, 40, 50, 60]),
            (FeatureMatrix.Feature(name: "contract", kind: .categorical(levels: ["monthly", "yearly"])), [0, 0, 1, .nan, 1, 0]),
        ])
        let encoding = LinearFeatureEncoding(fitting: x)
        #expect(encoding.terms.map(\.name) == ["charges", "charges (missing)", "contract=monthly", "contract=yearly"])
        #expect(abs(encoding.terms[0].center - 36) < 1e-9)
        let z = encoding.designMatrix(x)
        // The missing charge is imputed with the mean (standardized 0) and flagged.
        #expect(z[2 * 4 + 0] == 0)
        #expect(abs(z[2 * 4 + 1] - (1 - 1.0 / 6)) < 1e-12)
        // A missing category is all zeros before centring.
        #expect(abs(z[3 * 4 + 2] - (0 - 0.5)) < 1e-12)
        #expect(abs(z[3 * 4 + 3] - (0 - 2.0 / 6)) < 1e-12)
    }

    /// The penalized objective is scikit-learn's `LogisticRegression(C = 1/λ)`: same design, same solution.
    @Test func matchesScikitLearnOnTheSameDesign() throws {
        let (x, y) = LearnTestSupport.logisticData(n: 2_000, seed: 5, weights: [1.2, -0.7, 0.3, 0], intercept: -0.4)
        let model = try LogisticRegressionModel.fit(x, labels: y, options: .init(l2: 2))
        let z = model.encoding.designMatrix(x)
        let p = model.encoding.terms.count
        var lines = ["label," + (0..<p).map { "z\($0)" }.joined(separator: ",")]
        for i in 0..<x.rowCount {
            lines.append("\(y[i] ? 1 : 0)," + (0..<p).map { String(z[i * p + $0]) }.joined(separator: ","))
        }
        let file = LearnTestSupport.temporaryFile("design.csv")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        guard let reference = try LearnTestSupport.runSklearn(["logistic", file.path, "2"]) else { return }
        let intercept = try #require(reference["intercept"] as? Double)
        let coefficients = try #require(reference["coefficients"] as? [Double])
        #expect(abs(model.intercept - intercept) < 1e-5)
        for (a, b) in zip(model.coefficients, coefficients) { #expect(abs(a - b) < 1e-5) }
    }

    @Test func contributionsAddUpToTheMarginAndExplainRisk() throws {
        let (x, y) = LearnTestSupport.logisticData(n: 3_000, seed: 9, weights: [1.5, -1, 0.2], intercept: -1)
        let model = try LogisticRegressionModel.fit(x, labels: y)
        let margins = try model.margins(x)
        for row in [0, 1, 17, 2999] {
            let c = try model.contributions(x, row: row)
            #expect(abs(c.margin - margins[row]) < 1e-9)
            // x0 pushes risk up exactly when it is above its mean.
            let aboveMean = Double(x[row, 0]) > model.encoding.terms[0].center
            #expect((c.contributions[0] > 0) == aboveMean)
            let reasons = c.topReasons(2)
            #expect(reasons.allSatisfy { $0.contribution > 0 })
            #expect(reasons.map(\.contribution) == reasons.map(\.contribution).sorted(by: >))
        }
    }

    @Test func rejectsDegenerateInput() {
        let x = FeatureMatrix(columns: [(FeatureMatrix.Feature(name: "a"), [1, 2, 3])])
        #expect(throws: LearnError.singleClass(positives: 0, rows: 3)) {
            try LogisticRegressionModel.fit(x, labels: [false, false, false])
        }
        #expect(throws: LearnError.labelCountMismatch(rows: 3, labels: 2)) {
            try LogisticRegressionModel.fit(x, labels: [false, true])
        }
    }
}
