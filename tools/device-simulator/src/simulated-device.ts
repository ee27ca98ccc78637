/**
 * One simulated network device: an SNMP v2c agent (net-snmp) serving the system group
 * (sysDescr, sysObjectID, sysUpTime, sysName) and IF-MIB ifTable/ifXTable for its
 * interfaces, so a poller can walk ifName and read ifOperStatus as on a real switch.
 */
import snmp from 'net-snmp';
import type { DeviceSpec } from './config.js';
import { NotServedError } from './errors.js';
import { agentSocket, type AgentSocket } from './agent-socket.js';
import { ifStatusName, parseIfStatus } from './if-status.js';

export interface InterfaceState {
  name: string;
  ifIndex: number;
  /** ifOperStatus number (1 = up). */
  status: number;
  statusName: string;
}

export interface DeviceState {
  name: string;
  host: string;
  port: number;
  communities: string[];
  responding: boolean;
  interfaces: InterfaceState[];
}

interface MibRequest {
  instanceNode: { value: unknown };
  done(): void;
}
interface Mib {
  registerProvider(provider: object): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
  setTableSingleCell(name: string, column: number, index: number[], value: unknown): void;
}
interface Agent {
  getMib(): Mib;
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: () => void): void;
}

const OID = {
  sysDescr: '1.3.6.1.2.1.1.1',
  sysObjectID: '1.3.6.1.2.1.1.2',
  sysUpTime: '1.3.6.1.2.1.1.3',
  sysName: '1.3.6.1.2.1.1.5',
  ifNumber: '1.3.6.1.2.1.2.1',
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
};
// ifTable columns we serve (IF-MIB numbering).
const COL = { ifIndex: 1, ifDescr: 2, ifType: 3, ifAdminStatus: 7, ifOperStatus: 8 };
const ETHERNET_CSMACD = 6;
const ADMIN_UP = 1;
const READ_ONLY = snmp.MaxAccess['read-only'];

export class SimulatedDevice {
  private readonly byName = new Map<string, InterfaceState>();
  private readonly startedAt = Date.now();

  private constructor(
    readonly spec: DeviceSpec,
    readonly host: string,
    readonly port: number,
    private readonly agent: Agent,
    private readonly socket: AgentSocket,
  ) {}

  /** Binds the agent (spec.port, or a free port when 0) and fills its MIB. */
  static async start(spec: DeviceSpec, host: string, onError: (err: Error) => void = () => undefined): Promise<SimulatedDevice> {
    const socket = agentSocket(spec.port);
    const agent = snmp.createAgent(
      {
        // net-snmp replaces 0 by 161; agentSocket binds spec.port whatever this says.
        port: spec.port || 161,
        address: host,
        transport: host.includes(':') ? 'udp6' : 'udp4',
        // No communities configured: accept any, so any template's community works.
        disableAuthorization: spec.communities.length === 0,
        dgramModule: socket.dgramModule,
      },
      (err: Error | null) => {
        if (err) onError(err);
      },
    ) as Agent;
    let port: number;
    try {
      port = await socket.bound();
    } catch (err) {
      agent.close();
      throw err;
    }
    const device = new SimulatedDevice(spec, host, port, agent, socket);
    device.fillMib();
    return device;
  }

  get name(): string {
    return this.spec.name;
  }

  private get mib(): Mib {
    return this.agent.getMib();
  }

  private fillMib(): void {
    for (const c of this.spec.communities) this.agent.getAuthorizer().addCommunity(c);
    const mib = this.mib;
    const scalar = (name: string, oid: string, scalarType: number, handler?: (r: MibRequest) => void): void =>
      mib.registerProvider({ name, type: snmp.MibProviderType.Scalar, oid, scalarType, maxAccess: READ_ONLY, handler });
    scalar('sysDescr', OID.sysDescr, snmp.ObjectType.OctetString);
    scalar('sysObjectID', OID.sysObjectID, snmp.ObjectType.OID);
    // sysUpTime is computed per request, in hundredths of a second as the MIB defines it.
    scalar('sysUpTime', OID.sysUpTime, snmp.ObjectType.TimeTicks, (r) => {
      r.instanceNode.value = Math.floor((Date.now() - this.startedAt) / 10);
      r.done();
    });
    scalar('sysName', OID.sysName, snmp.ObjectType.OctetString);
    scalar('ifNumber', OID.ifNumber, snmp.ObjectType.Integer);
    mib.setScalarValue('sysDescr', `ESI device simulator: ${this.spec.name}`);
    mib.setScalarValue('sysObjectID', '1.3.6.1.4.1.8072.3.2.10');
    mib.setScalarValue('sysUpTime', 0);
    mib.setScalarValue('sysName', this.spec.sysName);
    mib.setScalarValue('ifNumber', 0);
    const column = (number: number, name: string, type: number) => ({ number, name, type, maxAccess: READ_ONLY });
    mib.registerProvider({
      name: 'ifTable',
      type: snmp.MibProviderType.Table,
      oid: OID.ifEntry,
      maxAccess: snmp.MaxAccess['not-accessible'],
      tableColumns: [
        column(COL.ifIndex, 'ifIndex', snmp.ObjectType.Integer),
        column(COL.ifDescr, 'ifDescr', snmp.ObjectType.OctetString),
        column(COL.ifType, 'ifType', snmp.ObjectType.Integer),
        column(COL.ifAdminStatus, 'ifAdminStatus', snmp.ObjectType.Integer),
        column(COL.ifOperStatus, 'ifOperStatus', snmp.ObjectType.Integer),
      ],
      tableIndex: [{ columnName: 'ifIndex' }],
    });
    mib.registerProvider({
      name: 'ifXTable',
      type: snmp.MibProviderType.Table,
      oid: OID.ifXEntry,
      maxAccess: snmp.MaxAccess['not-accessible'],
      tableColumns: [column(1, 'ifName', snmp.ObjectType.OctetString)],
      tableAugments: 'ifTable',
    });
    for (const itf of this.spec.interfaces) this.setStatus(itf.name, itf.status);
  }

  interfaces(): InterfaceState[] {
    return [...this.byName.values()].map((i) => ({ ...i }));
  }

  interface(name: string): InterfaceState | undefined {
    const hit = this.byName.get(name);
    return hit && { ...hit };
  }

  /** Sets an interface's ifOperStatus; an interface not served yet is added. */
  setStatus(name: string, status: unknown): InterfaceState {
    const value = parseIfStatus(status);
    const known = this.byName.get(name);
    if (known) {
      this.mib.setTableSingleCell('ifTable', COL.ifOperStatus, [known.ifIndex], value);
      known.status = value;
      known.statusName = ifStatusName(value);
      return { ...known };
    }
    const ifIndex = this.byName.size + 1;
    this.mib.addTableRow('ifTable', [ifIndex, name, ETHERNET_CSMACD, ADMIN_UP, value]);
    this.mib.addTableRow('ifXTable', [ifIndex, name]);
    const added = { name, ifIndex, status: value, statusName: ifStatusName(value) };
    this.byName.set(name, added);
    this.mib.setScalarValue('ifNumber', this.byName.size);
    return { ...added };
  }

  /** A device that does not respond drops every request, as an unreachable one would. */
  setResponding(on: boolean): void {
    this.socket.responding = on;
  }

  state(): DeviceState {
    return {
      name: this.spec.name,
      host: this.host,
      port: this.port,
      communities: [...this.spec.communities],
      responding: this.socket.responding,
      interfaces: this.interfaces(),
    };
  }

  requireInterface(name: string): InterfaceState {
    const hit = this.interface(name);
    if (!hit) throw new NotServedError(`device ${this.spec.name} has no interface ${name}`);
    return hit;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.agent.close(() => resolve()));
  }
}
