"""The application procedure (申请审核审批): applications, steps, notices, working days."""
