import { useState } from 'react';
import { Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Approval of a plan published for comment, with an optional reason for approving despite unanswered
 * comments (the server asks for it then, and records it).
 */
export function ApproveModal({
  open,
  onClose,
  onApprove,
}: {
  open: boolean;
  onClose: () => void;
  /** The request body: the trimmed override reason, if one was written. */
  onApprove: (body: { overrideReason?: string }) => void;
}) {
  const { t } = useTranslation('plans');
  const [reason, setReason] = useState('');
  return (
    <Modal
      open={open}
      title={t('editor.approveTitle')}
      okText={t('editor.approve')}
      cancelText={t('console:common.cancel')}
      onCancel={onClose}
      onOk={() => {
        onClose();
        onApprove(reason.trim() ? { overrideReason: reason.trim() } : {});
      }}
    >
      <Input.TextArea
        rows={3}
        placeholder={t('editor.overrideReason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
    </Modal>
  );
}
