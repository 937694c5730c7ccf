import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

/** What the last save or action of the plan editor left to say: an edit conflict, refused fields, a refused action. */
export interface EditorErrors {
  /** Version saved meanwhile by someone else (-1 while it is being read), or null. */
  conflict: number | null;
  /** The server's problems of the last save that name no node of the tree (shown with the alert). */
  looseSaveErrors: string[];
  /** Whether the last save was refused with field details. */
  saveRefused: boolean;
  /** A refused submit or approval: its headline and the server's details. */
  actionErrors: { title: string; details: string[] } | null;
}

/** Alerts of the plan editor for a version conflict, a refused save and a refused action. */
export function EditorAlerts({
  conflict,
  looseSaveErrors,
  saveRefused,
  actionErrors,
  onReload,
  onCloseSave,
  onCloseAction,
}: EditorErrors & { onReload: () => void; onCloseSave: () => void; onCloseAction: () => void }) {
  const { t } = useTranslation('plans');
  return (
    <>
      {conflict !== null && (
        <Alert
          style={{ marginBottom: 12 }}
          type="error"
          showIcon
          data-testid="plan-conflict"
          message={t('editor.conflictTitle')}
          description={t('editor.conflict', { version: conflict > 0 ? conflict : '…' })}
          action={
            <Button size="small" danger onClick={onReload}>
              {t('editor.reload')}
            </Button>
          }
        />
      )}
      {(saveRefused || looseSaveErrors.length > 0) && (
        <Alert
          style={{ marginBottom: 12 }}
          type="error"
          showIcon
          message={t('editor.saveErrors')}
          description={looseSaveErrors.length ? looseSaveErrors.join('; ') : undefined}
          closable
          onClose={onCloseSave}
        />
      )}
      {actionErrors && (
        <Alert
          style={{ marginBottom: 12 }}
          type="error"
          showIcon
          closable
          onClose={onCloseAction}
          message={actionErrors.title}
          description={
            actionErrors.details.length ? (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {actionErrors.details.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
    </>
  );
}
