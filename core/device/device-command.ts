// A command for one device as every plane but its platform's sees it: an id, a type and opaque bytes.

export interface DeviceCommand {
  commandUuid: string;
  /** The platform's own command name (Apple: the RequestType); recorded with the command's outcome. */
  requestType: string;
  /** The command as the platform's edge sends it (Apple: the command plist as UTF-8 XML). */
  payload: string;
  /** Apple: the macOS user (UserID) whose channel fetches it; absent: the device channel. */
  userId?: string;
}
