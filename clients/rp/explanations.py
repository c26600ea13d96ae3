"""What each protocol value means, in Vietnamese and English: the captions of the flow inspector.

Parameter names per OAuth 2.0 (RFC 6749 §4.1), PKCE (RFC 7636), OpenID Connect Core 1.0 §3.1.2.1 and
§2 (ID token claims), RFC 9207 (``iss``) and OpenID Connect Core §3.1.2.6 (error codes).
"""

Gloss = tuple[str, str]

PARAMETERS: dict[str, Gloss] = {
    "response_type": (
        "Kiểu phản hồi: 'code' là luồng mã ủy quyền.",
        "Response type: 'code' is the authorization code flow.",
    ),
    "client_id": ("Mã định danh của ứng dụng (RP) tại VNeID.", "The app's identifier at VNeID."),
    "redirect_uri": (
        "Địa chỉ VNeID trả kết quả về; phải trùng khớp địa chỉ đã đăng ký.",
        "Where VNeID sends the result; must match a registered URI exactly.",
    ),
    "scope": (
        "Các nhóm dữ liệu xin chia sẻ; 'openid' nghĩa là OpenID Connect.",
        "The data groups asked for; 'openid' makes this OpenID Connect.",
    ),
    "state": (
        "Giá trị ngẫu nhiên chống giả mạo yêu cầu (CSRF); phải được trả về y nguyên.",
        "A random value against request forgery (CSRF); must come back unchanged.",
    ),
    "nonce": (
        "Giá trị ngẫu nhiên gắn vào ID token, chống phát lại token.",
        "A random value bound into the ID token, against token replay.",
    ),
    "code_challenge": (
        "PKCE: băm SHA-256 của code_verifier bí mật; chỉ ứng dụng này mới đổi được mã.",
        "PKCE: SHA-256 of the secret code_verifier; only this app can redeem the code.",
    ),
    "code_challenge_method": ("PKCE: phương pháp băm (S256).", "PKCE: the hash method (S256)."),
    "acr_values": (
        "Mức độ xác thực yêu cầu (LoA1–LoA4, Nghị định 69/2024 Điều 20).",
        "The authentication level asked for (LoA1–LoA4, Decree 69/2024 Art. 20).",
    ),
    "max_age": (
        "Thời gian tối đa (giây) từ lần xác thực gần nhất; 0 = bắt buộc xác thực lại ngay.",
        "Maximum seconds since the last authentication; 0 = authenticate again now.",
    ),
    "prompt": ("Yêu cầu hiển thị (login, consent, none).", "What to show (login, consent, none)."),
    "ui_locales": ("Ngôn ngữ giao diện mong muốn.", "Preferred page language."),
    "id_token_hint": (
        "ID token trước đó của công dân: chỉ chính công dân này được xác thực lại.",
        "The citizen's earlier ID token: only this citizen may authenticate again.",
    ),
    "login_hint": (
        "Gợi ý tài khoản đăng nhập (số định danh điền sẵn).",
        "A hint of the account to log in (the PIN filled in).",
    ),
    "post_logout_redirect_uri": (
        "Địa chỉ đã đăng ký để VNeID trả trình duyệt về sau khi đăng xuất.",
        "The registered address VNeID sends the browser back to after logout.",
    ),
    "code": (
        "Mã ủy quyền dùng một lần, sống tối đa 60 giây.",
        "The one-time authorization code, valid at most 60 seconds.",
    ),
    "iss": (
        "Định danh của VNeID (RFC 9207): chống nhầm lẫn nhà cung cấp.",
        "VNeID's issuer identifier (RFC 9207): against mix-up attacks.",
    ),
    "error": ("Mã lỗi do VNeID trả về.", "The error code VNeID returned."),
    "error_description": ("Mô tả lỗi.", "The error's description."),
}

TOKEN_FIELDS: dict[str, Gloss] = {
    "access_token": (
        "Thẻ truy cập để gọi userinfo (JWT, RFC 9068).",
        "Access token for userinfo (JWT, RFC 9068).",
    ),
    "token_type": ("Loại thẻ: Bearer.", "Token type: Bearer."),
    "expires_in": ("Số giây thẻ truy cập còn hiệu lực.", "Seconds the access token is valid."),
    "refresh_token": ("Thẻ làm mới.", "Refresh token."),
    "id_token": ("ID token: VNeID khẳng định ai đã đăng nhập.", "ID token: who logged in."),
    "scope": ("Các nhóm dữ liệu thực sự được chia sẻ.", "The data groups actually granted."),
}

CLAIMS: dict[str, Gloss] = {
    "iss": ("Nơi phát hành (VNeID).", "Issuer (VNeID)."),
    "sub": ("Mã định danh ẩn danh, ổn định của công dân.", "The citizen's opaque, stable id."),
    "aud": ("Ứng dụng nhận token.", "The app the token is for."),
    "exp": ("Thời điểm hết hạn.", "Expiry time."),
    "iat": ("Thời điểm phát hành.", "Issue time."),
    "auth_time": ("Thời điểm công dân xác thực.", "When the citizen authenticated."),
    "nonce": ("Trùng với nonce ứng dụng đã gửi.", "Must equal the nonce the app sent."),
    "acr": ("Mức độ xác thực đạt được.", "The authentication level reached."),
    "amr": ("Các yếu tố đã dùng (RFC 8176).", "The factors used (RFC 8176)."),
    "sid": ("Phiên đăng nhập một lần tại VNeID.", "The single sign-on session at VNeID."),
    "at_hash": ("Băm của access token.", "Hash of the access token."),
    "account_level": (
        "Mức tài khoản định danh điện tử (1 hoặc 2).",
        "e-ID account level (1 or 2).",
    ),
}

ERRORS: dict[str, Gloss] = {
    "access_denied": (
        "Công dân đã từ chối hoặc hủy yêu cầu.",
        "The citizen declined or cancelled the request.",
    ),
    "unmet_authentication_requirements": (
        "Tài khoản không đạt mức xác thực dịch vụ yêu cầu (ví dụ: cần tài khoản mức 2).",
        "The account cannot reach the level the service requires (e.g. a level-2 account).",
    ),
    "login_required": ("Cần đăng nhập.", "A login is required."),
    "another_citizen": (
        "Người vừa xác thực tại VNeID không phải là công dân đang đăng nhập ứng dụng.",
        "The citizen who just authenticated at VNeID is not the one signed in to this app.",
    ),
    "consent_required": ("Cần sự đồng ý của công dân.", "The citizen's consent is required."),
    "invalid_request": ("Yêu cầu không hợp lệ.", "The request was invalid."),
    "temporarily_unavailable": (
        "VNeID tạm thời không phục vụ.",
        "VNeID is temporarily unavailable.",
    ),
}


def gloss(table: dict[str, Gloss], name: str) -> Gloss:
    """The explanation of ``name``, or a neutral one."""
    return table.get(name, ("", ""))
