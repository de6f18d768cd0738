public enum TenureServerPlaceholder {}
