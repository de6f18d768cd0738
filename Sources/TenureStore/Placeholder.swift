public enum TenureStorePlaceholder {}
