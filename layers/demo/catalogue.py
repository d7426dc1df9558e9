"""The demo facilities' catalogue: categories, rates, opening hours and the name pools.

Fixed tables only (no database): what ``layers.demo.facilities`` draws SYNTHETIC places
from. The street names, school patrons and kinds are real patterns; no place is real.
"""

from dataclasses import dataclass

CITY_NAME = "Thành phố Hồ Chí Minh"
# GSO ward codes run by province: a current ward's code tells which of the three merged
# provinces it was in, and so its landline area code (unchanged by the merger).
FORMER_PROVINCES = (  # (first code, landline prefix, typical of the old city's streets)
    ("26734", "028", True),  # Hồ Chí Minh City
    ("26506", "0254", False),  # Bà Rịa - Vũng Tàu
    ("", "0274", False),  # Bình Dương
)


@dataclass(frozen=True)
class CategorySpec:
    """One facility category of the catalogue."""

    code: str
    name_vi: str
    name_en: str
    group: str
    sort_order: int


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("ubnd", "Ủy ban nhân dân phường/xã", "People's Committee", "administration", 10),
    CategorySpec(
        "mot_cua",
        "Trung tâm phục vụ hành chính công (bộ phận một cửa)",
        "Public administrative service centre (one-stop desk)",
        "administration",
        20,
    ),
    CategorySpec("cong_an", "Công an phường/xã", "Ward police", "public_safety", 30),
    CategorySpec("tram_y_te", "Trạm y tế phường/xã", "Ward health station", "health", 40),
    CategorySpec("benh_vien", "Bệnh viện", "Hospital", "health", 50),
    CategorySpec("phong_kham", "Phòng khám", "Clinic", "health", 60),
    CategorySpec("mam_non", "Trường mầm non", "Kindergarten", "education", 70),
    CategorySpec("tieu_hoc", "Trường tiểu học", "Primary school", "education", 80),
    CategorySpec("thcs", "Trường trung học cơ sở", "Lower secondary school", "education", 90),
    CategorySpec("thpt", "Trường trung học phổ thông", "Upper secondary school", "education", 100),
    CategorySpec("cho", "Chợ", "Market", "commerce", 110),
    CategorySpec("cong_vien", "Công viên", "Park", "public_space", 120),
    CategorySpec("nha_ve_sinh", "Nhà vệ sinh công cộng", "Public toilet", "sanitation", 130),
    CategorySpec("cap_nuoc", "Điểm cấp nước công cộng", "Public water point", "sanitation", 140),
    CategorySpec("diem_rac", "Điểm tập kết rác", "Waste collection point", "sanitation", 150),
)

# One of each per ward, next to the ward's centre point: (category, metres from it).
CENTRE_CATEGORIES = (("ubnd", 20.0), ("mot_cua", 45.0), ("cong_an", 140.0), ("tram_y_te", 230.0))

# Spread categories: (base in a phường, base in a xã or đặc khu, extra per √km²).
SPREAD_RATES: dict[str, tuple[float, float, float]] = {
    "benh_vien": (0.45, 0.15, 0.04),
    "phong_kham": (2.2, 0.7, 0.2),
    "mam_non": (2.2, 1.0, 0.26),
    "tieu_hoc": (1.4, 0.9, 0.2),
    "thcs": (0.9, 0.6, 0.12),
    "thpt": (0.4, 0.25, 0.06),
    "cho": (1.2, 0.8, 0.12),
    "cong_vien": (0.9, 0.2, 0.04),
    "nha_ve_sinh": (1.6, 0.3, 0.04),
    "cap_nuoc": (0.3, 1.0, 0.1),
    "diem_rac": (1.2, 1.0, 0.15),
}

OPENING_HOURS = {
    "ubnd": "Mo-Fr 07:30-11:30,13:00-17:00; Sa 07:30-11:30",
    "mot_cua": "Mo-Fr 07:30-11:30,13:00-17:00; Sa 07:30-11:30",
    "cong_an": "24/7",
    "tram_y_te": "Mo-Fr 07:00-11:30,13:00-16:30; Sa 07:00-11:30",
    "benh_vien": "24/7",
    "phong_kham": "Mo-Sa 07:00-20:00; Su 07:00-12:00",
    "mam_non": "Mo-Fr 06:30-17:30",
    "tieu_hoc": "Mo-Fr 07:00-11:00,13:30-16:30",
    "thcs": "Mo-Fr 07:00-11:30,13:00-17:00",
    "thpt": "Mo-Fr 07:00-11:30,13:00-17:00",
    "cho": "Mo-Su 05:00-19:00",
    "cong_vien": "Mo-Su 05:00-22:00",
    "nha_ve_sinh": "24/7",
    "cap_nuoc": "24/7",
    "diem_rac": "Mo-Su 18:00-22:00",
}
# Places reached by phone; toilets, water points, waste points and parks have none.
WITH_PHONE = frozenset(OPENING_HOURS) - {"nha_ve_sinh", "cap_nuoc", "diem_rac", "cong_vien"}

# Real street names: those found in most Vietnamese towns (for the wards of the former
# Bình Dương and Bà Rịa - Vũng Tàu too), and more that are typical of the old city.
COMMON_STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hùng Vương", "Lý Thường Kiệt", "Hai Bà Trưng",
    "Nguyễn Huệ", "Quang Trung", "Trần Phú", "Lê Hồng Phong", "Nguyễn Văn Cừ",
    "Nguyễn Thị Minh Khai", "Ngô Quyền", "Lê Duẩn", "Phan Đình Phùng", "Nguyễn Du",
    "Bạch Đằng", "Điện Biên Phủ", "Võ Thị Sáu", "Hoàng Hoa Thám", "Phan Chu Trinh",
    "Lê Thánh Tông", "Nguyễn Đình Chiểu", "Trần Quang Khải", "Lý Tự Trọng", "Yersin",
)  # fmt: skip
HCMC_STREETS = (
    "Đồng Khởi", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Cách Mạng Tháng Tám", "Võ Văn Tần",
    "Nguyễn Thị Nghĩa", "Cô Giang", "Ba Tháng Hai", "Võ Văn Kiệt", "An Dương Vương",
    "Lê Văn Sỹ", "Hoàng Văn Thụ", "Phan Đăng Lưu", "Xô Viết Nghệ Tĩnh", "Nguyễn Oanh",
    "Phạm Văn Đồng", "Kha Vạn Cân", "Võ Văn Ngân", "Lê Văn Việt", "Nguyễn Duy Trinh",
    "Mai Chí Thọ", "Nguyễn Văn Linh", "Huỳnh Tấn Phát", "Nguyễn Hữu Thọ", "Tôn Đức Thắng",
    "Trường Chinh", "Lũy Bán Bích", "Âu Cơ", "Lạc Long Quân", "Nguyễn Tri Phương",
    "Sư Vạn Hạnh", "Nguyễn Kiệm", "Phan Xích Long", "Đinh Tiên Hoàng", "Trần Quốc Thảo",
    "Nguyễn Văn Trỗi", "Cộng Hòa", "Tân Kỳ Tân Quý", "Kinh Dương Vương", "Hồng Bàng",
    "Tỉnh Lộ 10", "Nguyễn Ảnh Thủ", "Lê Văn Khương", "Hà Huy Giáp", "Nguyễn Văn Tạo",
)  # fmt: skip
# Historic figures that schools are commonly named after.
SCHOOL_PATRONS = (
    "Lê Quý Đôn", "Nguyễn Bỉnh Khiêm", "Chu Văn An", "Trần Quốc Toản", "Kim Đồng",
    "Võ Thị Sáu", "Lê Văn Tám", "Trưng Vương", "Lương Thế Vinh", "Nguyễn Trãi",
    "Lý Thường Kiệt", "Nguyễn Du", "Trần Đại Nghĩa", "Nguyễn Khuyến", "Phan Bội Châu",
    "Đinh Bộ Lĩnh", "Hồ Xuân Hương", "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Tô Hiến Thành",
)  # fmt: skip
KINDERGARTEN_NAMES = (
    "Hoa Sen", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Hoa Hồng", "Măng Non", "Tuổi Thơ",
    "Hoa Mai", "Rạng Đông", "Bình Minh", "Hướng Dương", "Thỏ Ngọc", "Búp Sen Hồng", "Sao Mai",
)  # fmt: skip
HOSPITAL_KINDS = (
    ("Bệnh viện Đa khoa", "general"),
    ("Bệnh viện Nhi", "paediatrics"),
    ("Bệnh viện Phụ sản", "obstetrics"),
    ("Bệnh viện Mắt", "ophthalmology"),
    ("Bệnh viện Y học cổ truyền", "traditional_medicine"),
    ("Bệnh viện Chấn thương Chỉnh hình", "orthopaedics"),
)
CLINIC_KINDS = (
    ("Phòng khám Đa khoa", "general"),
    ("Phòng khám Nha khoa", "dentistry"),
    ("Phòng khám Nhi", "paediatrics"),
    ("Phòng khám Sản phụ khoa", "gynaecology"),
    ("Phòng khám Tai Mũi Họng", "ent"),
    ("Phòng khám Da liễu", "dermatology"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi")
# (middle names, given names) of men and of women.
FORENAMES = (
    (
        ("Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh"),
        ("Bình", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phúc", "Quân", "Tuấn", "Khang"),
    ),
    (
        ("Thị", "Thị Thu", "Ngọc", "Thanh", "Thị Kim"),
        ("An", "Chi", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Thảo", "Trang", "Vy"),
    ),
)
