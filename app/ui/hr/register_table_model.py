"""The register as a table: one row per staff member for the cycle, sortable and filterable."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from app.hr.records import FileStatus, Flag
from app.hr.rules import FileRow
from app.ui.hr.register_rows import Category, RegisterRow, RowState

SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("name", "staff_id", "status", "role", "checklist", "signed", "type", "actions")  # status early: it matters most


def uk_date(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


class RegisterTableModel(QAbstractTableModel):
    """Shows RegisterRows; knows nothing of where they come from."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[RegisterRow] = []
        self._today = date.today()
        self._headers = {"name": self.tr("Name"), "staff_id": self.tr("Staff ID"), "status": self.tr("Status"),
                         "role": self.tr("Role"), "checklist": self.tr("Checklist"), "signed": self.tr("Signed"),
                         "type": self.tr("Type"), "actions": self.tr("Outstanding actions")}
        self._icons: dict[str, object] = {}

    def set_rows(self, rows: list[RegisterRow], today: date) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today
        self.endResetModel()

    def row_at(self, row: int) -> RegisterRow:
        return self._rows[row]

    @property
    def rows(self) -> list[RegisterRow]:
        return list(self._rows)

    # -- the model ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section] == "type":
            return self.tr("Annual or induction")
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(row, column) or self.tr("none")
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if column == "status" and role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row)
        if column == "status" and role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row)
        if column == "actions" and role == Qt.ItemDataRole.ForegroundRole and row.overdue(self._today):
            return QBrush(QColor("#b00020"))
        return None

    # -- what each cell says ------------------------------------------------------------

    def _text(self, row: RegisterRow, column: str) -> str:
        record = row.file.record if row.file else None
        verified = record is not None and record.verified
        if column == "name":
            return row.name or (self._file_name(record.path) if record else "")
        if column == "staff_id":
            return row.staff_id
        if column == "role":
            return row.role
        if column == "checklist":
            return f"{record.checklist_id} {record.checklist_version}" if verified else ""
        if column == "signed":
            when = record.when if record else None
            return uk_date(when.date()) if when else ""
        if column == "type":
            if not verified:
                return ""
            return self.tr("Induction") if record.audit_type == "induction" else self.tr("Annual")
        if column == "actions":
            return self._actions_text(row)
        return self.status_text(row)

    def _actions_text(self, row: RegisterRow) -> str:
        if not row.completed:
            return ""
        if not row.actions:
            return self.tr("None")
        overdue = row.overdue(self._today)
        due = row.next_due()
        text = self.tr("{n}, next due {date}").format(n=len(row.actions), date=uk_date(due)) if due else str(
            len(row.actions))
        if overdue:
            text += " " + self.tr("(%d overdue)") % len(overdue)
        return text

    def status_text(self, row: RegisterRow) -> str:
        if row.state is RowState.MISSING:
            return self.tr("Missing")
        if row.state is RowState.UNIDENTIFIED:
            return self.tr("Invalid: %s") % row.file.reason
        if row.state is RowState.NEEDS_ATTENTION:
            return self.problem_text(row.file)
        notes = [self.flag_text(flag) for flag in row.file.flags]
        if row.duplicates:
            notes.append(self.tr("%d earlier copy sent") % len(row.duplicates) if len(row.duplicates) == 1
                         else self.tr("%d earlier copies sent") % len(row.duplicates))
        if row.key_to_confirm:
            notes.append(self.problem_text(row.key_to_confirm))
        return self.tr("Valid") if not notes else self.tr("Valid, flagged: %s") % "; ".join(notes)

    def flag_text(self, flag: Flag) -> str:
        return {
            Flag.OLD_CHECKLIST: self.tr("older checklist"),
            Flag.OVERDUE_ACTIONS: self.tr("actions overdue"),
            Flag.NOT_ON_ROSTER: self.tr("not on the staff list"),
        }.get(flag, str(flag))

    def problem_text(self, file: FileRow) -> str:
        status = file.status
        if status == FileStatus.CHANGED_KEY.value:
            return self.tr("Changed key: HR to confirm")
        if status == FileStatus.UNKNOWN_KEY.value:
            return self.tr("Unknown key: HR to confirm")
        if status == FileStatus.SHARED_KEY.value:
            return self.tr("Key used by another staff ID: HR to confirm")
        if status == FileStatus.WRONG_CYCLE.value:
            return self.tr("Wrong cycle: sent %s") % file.record.cycle
        if status == FileStatus.DUPLICATE.value:
            return self.tr("Duplicate")
        return self.tr("Invalid: %s") % file.reason

    def _tooltip(self, row: RegisterRow, column: str) -> str | None:
        if column == "actions" and row.actions:
            lines = []
            for action in row.actions:
                due = uk_date(action.due) if action.due else self.tr("no date")
                late = self.tr(" (overdue)") if action.due and action.due < self._today else ""
                lines.append(f"\u2022 {action.text} \u2014 {self.tr('due')} {due}{late}")
            return "\n".join(lines)
        if column == "status":
            reasons = list(row.file.flag_reasons) if row.file and row.completed else []
            if row.file and row.file.reason:
                reasons.append(row.file.reason)
            reasons += [f.reason for f in row.other_files if f.reason]
            return "\n".join([self.status_text(row)] + [f"\u2022 {r}" for r in reasons])
        if column == "name" and row.file:
            return row.file.record.path
        return None

    def _sort_key(self, row: RegisterRow, column: str):
        if column == "signed":
            when = row.file.record.when if row.file else None
            return when.isoformat() if when else ""
        if column == "actions":
            return len(row.actions)
        if column == "status":  # problems first, then missing, then the valid
            order = {RowState.UNIDENTIFIED: 0, RowState.NEEDS_ATTENTION: 1, RowState.MISSING: 2}
            return f"{order.get(row.state, 3 if row.flagged else 4)}{self.status_text(row)}"
        return self._text(row, column).casefold()

    # -- shown plainly: an icon and a colour as well as the words ---------------------------

    def _kind(self, row: RegisterRow) -> str:
        if row.state is RowState.MISSING:
            return "missing"
        if row.flagged:
            return "flagged" if row.completed else "problem"
        return "valid"

    def _icon(self, row: RegisterRow):
        kind = self._kind(row)
        if kind not in self._icons:
            style = QApplication.style()
            pixmap = {"valid": QStyle.StandardPixmap.SP_DialogApplyButton,
                      "flagged": QStyle.StandardPixmap.SP_MessageBoxWarning,
                      "problem": QStyle.StandardPixmap.SP_MessageBoxCritical,
                      "missing": QStyle.StandardPixmap.SP_MessageBoxQuestion}[kind]
            self._icons[kind] = style.standardIcon(pixmap)
        return self._icons[kind]

    def _colour(self, row: RegisterRow):
        kind = self._kind(row)
        if kind == "valid":
            return QBrush(QColor("#1b5e20"))
        if kind == "missing":
            return QApplication.palette().brush(QPalette.ColorRole.Text)
        return QBrush(QColor("#b00020") if kind == "problem" else QColor("#8a4b00"))

    @staticmethod
    def _file_name(path: str) -> str:
        return path.replace("\\", "/").rsplit("/", 1)[-1]


class RegisterFilterModel(QSortFilterProxyModel):
    """Sorts by each column's own key; keeps rows in the chosen category whose name or ID matches."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._category = Category.ALL
        self._text = ""
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # Names as people sort them: Łucja among the Ls, S1002 before S10010.
        self._collator = QCollator(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self._collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._collator.setNumericMode(True)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if isinstance(a, str) and isinstance(b, str):
            return self._collator.compare(a, b) < 0
        return super().lessThan(left, right)

    def set_category(self, category: Category) -> None:
        self._change_filter(lambda: setattr(self, "_category", category))

    def set_text(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "_text", " ".join(text.split()).casefold()))

    def _change_filter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later; invalidateFilter() is deprecated there
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        row: RegisterRow = self.sourceModel().row_at(source_row)
        if not row.is_in(self._category):
            return False
        if not self._text:
            return True
        return self._text in row.name.casefold() or self._text in row.staff_id.casefold()
