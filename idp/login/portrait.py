"""The synthetic portrait (ảnh chân dung giả lập) shown at the simulated face match.

A simple cartoon drawn in SVG from a hash of the PIN: the same PIN always gives the same picture, and
no real face is ever used or downloaded. Only colours and shapes vary; it identifies nobody.
"""

import hashlib

SKIN = ("#f1c27d", "#e0ac69", "#c68642", "#ffdbac", "#d1a3a4")
HAIR = ("#2b1b17", "#3b2f2f", "#4b3621", "#1c1c1c", "#6a4e42")
BACKGROUND = ("#dfe7ef", "#e6efe6", "#efe9df", "#e9e3ef")


def portrait_svg(pin: str, label: str = "Ảnh chân dung giả lập / synthetic portrait") -> str:
    """An inline SVG portrait for ``pin`` with an accessible ``label``."""
    digest = hashlib.sha256(f"vneid-mock portrait {pin}".encode()).digest()
    skin, hair, background = (
        SKIN[digest[0] % len(SKIN)],
        HAIR[digest[1] % len(HAIR)],
        BACKGROUND[digest[2] % len(BACKGROUND)],
    )
    face_width = 34 + digest[3] % 8
    eye_gap = 12 + digest[4] % 5
    hair_height = 18 + digest[5] % 14
    mouth = 6 + digest[6] % 6
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 150" width="120" height="150" '
        f'role="img" aria-label="{label}"><rect width="120" height="150" fill="{background}"/>'
        f'<ellipse cx="60" cy="150" rx="48" ry="34" fill="#5b6b7b"/>'
        f'<ellipse cx="60" cy="72" rx="{face_width}" ry="44" fill="{skin}"/>'
        f'<path d="M{60 - face_width} 62 Q60 {62 - 2 * hair_height} {60 + face_width} 62 '
        f'L{60 + face_width} 52 Q60 {20 - hair_height} {60 - face_width} 52 Z" fill="{hair}"/>'
        f'<circle cx="{60 - eye_gap}" cy="70" r="3.5" fill="#222"/>'
        f'<circle cx="{60 + eye_gap}" cy="70" r="3.5" fill="#222"/>'
        f'<path d="M{60 - mouth} 96 Q60 {100 + mouth / 2} {60 + mouth} 96" stroke="#7a3b2e" '
        'stroke-width="2.5" fill="none"/></svg>'
    )
