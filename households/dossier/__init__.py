"""The household file (一户一档): households, members, verifications, surveys, assessments, documents."""
