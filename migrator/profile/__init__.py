"""The profile stage: what each source table holds, for a person to review."""

from migrator.profile.model import ColumnProfile, Profile, TableProfile, profile, profile_table

__all__ = ["ColumnProfile", "Profile", "TableProfile", "profile", "profile_table"]
